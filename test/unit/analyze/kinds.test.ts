/**
 * Issue 11, item 3: kinds from the declared TYPE and UNIT. The bytes of a real
 * prom-client body go through the real parser, deriver, store, analyzer and report.
 */
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze/analyzer';
import { detectorFor } from '../../../src/core/analyze/anomaly';
import { seriesMeta } from '../../../src/core/model';
import { renderMarkdown } from '../../../src/core/report/markdown';
import { buildReport } from '../../../src/core/report/reportData';
import { ScrapeDeriver } from '../../../src/core/scrape/derive';
import { parseExposition } from '../../../src/core/scrape/parser';
import { valueKind } from '../../../src/core/seriesKind';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { formatValue, inferUnit } from '../../../src/core/units';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const STARTED = T0 / 1000 - 3 * 3600 - 120; // 3 h 2 min before T0

function body(i: number): string {
  return [
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${STARTED}`,
    '# HELP nodejs_active_resources_total Total number of active resources.',
    '# TYPE nodejs_active_resources_total gauge',
    `nodejs_active_resources_total ${i % 2 === 0 ? 3 : 5}`,
    '# HELP chat_connections_total Connections opened.',
    '# TYPE chat_connections_total counter',
    `chat_connections_total ${10 * i}`,
    'legacy_requests_total 42',
    '',
  ].join('\n');
}

function scrapedStore(ticks: number): SeriesStore {
  const store = new SeriesStore(600);
  const deriver = new ScrapeDeriver();
  for (let i = 0; i < ticks; i++) {
    const t = T0 + i * 1000;
    store.append(t, deriver.derive(parseExposition(body(i)).families, t).samples);
  }
  return store;
}

describe('kinds from metadata (TYPE, UNIT), names only without', () => {
  it('valueKind: TYPE decides; the name only for untyped or undeclared series; start times are timestamps', () => {
    assert.equal(valueKind('nodejs_active_resources_total', seriesMeta('gauge', '')), 'gauge');
    assert.equal(valueKind('legacy_requests_total', seriesMeta('untyped', '')), 'counter');
    assert.equal(valueKind('legacy_requests_total', seriesMeta('unknown', '')), 'counter');
    assert.equal(valueKind('target_restarts_total'), 'counter');
    assert.equal(valueKind('jobs_done', seriesMeta('counter', '')), 'counter');
    assert.equal(valueKind('process_start_time_seconds', seriesMeta('gauge', 'seconds')), 'timestamp');
    assert.equal(valueKind('node_boot_time_seconds'), 'timestamp');
    assert.equal(valueKind('last_backup_timestamp_seconds', seriesMeta('gauge', '')), 'timestamp');
    assert.equal(valueKind('http_request_duration_seconds_p95', seriesMeta('gauge', 'seconds')), 'gauge');
  });

  it('the unit module reads start times as points in time, even with # UNIT seconds, and formats them as a date', () => {
    assert.equal(inferUnit('process_start_time_seconds'), 'timestamp');
    assert.equal(inferUnit('process_start_time_seconds', { unit: 'seconds', type: 'gauge' }), 'timestamp');
    assert.equal(inferUnit('request_duration_seconds', { unit: 'seconds' }), 'seconds');
    assert.equal(formatValue(STARTED, 'timestamp'), '2026-11-29T08:58:00Z');
  });

  it('the store keeps each scraped series\' declared TYPE and UNIT, the last declared winning', () => {
    const store = new SeriesStore(10);
    store.append(T0, [{ name: 'x_total', labels: {}, value: 1, meta: seriesMeta('untyped', '') }]);
    assert.equal(store.info('x_total')?.meta?.type, 'untyped');
    store.append(T0 + 1000, [{ name: 'x_total', labels: {}, value: 1, meta: seriesMeta('gauge', '') }]);
    assert.equal(store.info('x_total')?.meta?.type, 'gauge');
  });

  it('a real body: a gauge named *_total is a gauge, a start time a time, a counter a counter, an untyped *_total a counter', () => {
    const store = scrapedStore(120);
    const a = analyze(store, { fromMs: T0, toMs: T0 + 119_000, nowMs: T0 + 120_000 });
    const kind = (k: string): string | undefined => a.stats.find((s) => s.key === k)?.kind;
    assert.equal(kind('nodejs_active_resources_total'), 'gauge');
    assert.equal(kind('process_start_time_seconds'), 'timestamp');
    assert.equal(kind('chat_connections_per_second'), 'gauge'); // the rate the deriver made of the counter
    assert.equal(kind('legacy_requests_total'), 'counter');
    const md = renderMarkdown(buildReport({ target: { name: 'chat', state: 'running' }, analysis: a, generatedAtMs: T0 + 120_000 }));
    const row = (name: string): string => md.split('\n').find((l) => l.includes(`\`${name}\``)) ?? '';
    // Not "0 (increase)": the mean of 3 and 5, as a gauge.
    assert.doesNotMatch(row('nodejs_active_resources_total'), /increase/);
    assert.match(row('nodejs_active_resources_total'), /^\| `nodejs_active_resources_total` \| 5 \| 4 \|/);
    // Not "20786 d 16 h": a time, and how long before its last sample the process started — a fact in
    // "About the server", not a statistics row.
    assert.equal(row('process_start_time_seconds'), '- `process_start_time_seconds`: 2026-11-29T08:58:00Z (3 h 4 min before its last sample)');
    // A counter: what it counted in the window and per second (constant at 42: nothing), in the counters' table.
    assert.match(row('legacy_requests_total'), /^\| `legacy_requests_total` \| 0 \| 0\/s \| 120 \|$/);
  });

  it('a gauge named *_total is scored for anomalies like any gauge (its declared TYPE, not its name, decides)', () => {
    assert.equal(detectorFor('nodejs_active_resources_total', 'gauge'), 'robust');
    assert.equal(detectorFor('legacy_requests_total', 'counter'), 'none');
    assert.equal(detectorFor('legacy_requests_total'), 'none'); // no TYPE: the name says counter
    const store = new SeriesStore(900);
    const gauge = seriesMeta('gauge', '');
    for (let i = 0; i < 600; i++) {
      // A steady, slightly noisy level, then a burst of handles at 500 s.
      const value = i >= 500 && i < 510 ? 400 : 40 + (i % 7);
      store.append(T0 + i * 1000, [{ name: 'nodejs_active_resources_total', labels: {}, value, meta: gauge }]);
    }
    const a = analyze(store, { fromMs: T0, toMs: T0 + 599_000, nowMs: T0 + 600_000 });
    const found = a.anomalies.filter((x) => x.series === 'nodejs_active_resources_total');
    assert.equal(found.length, 1, JSON.stringify(a.anomalies));
    assert.equal(found[0]!.startMs, T0 + 500_000);
    assert.equal(found[0]!.direction, 'high');
  });
});
