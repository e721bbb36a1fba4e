import * as assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze/analyzer';
import { AnomalyInterval } from '../../../src/core/analyze/anomaly';
import { groupIncidents } from '../../../src/core/analyze/incidents';
import { renderMarkdown } from '../../../src/core/report/markdown';
import { buildReport } from '../../../src/core/report/reportData';
import { parseConfig } from '../../../src/core/config';
import { Monitor } from '../../../src/core/monitor';
import { MonitorDashboardSource } from '../../../src/vscode/dashboard/monitorDashboardSource';
import { fakeClock } from '../helpers/fakeClock';
import { HEALTHY, MB, scenario, windowOf } from './scenario';
import { gaussian, mulberry32 } from './synthetic';

function interval(series: string, startS: number, endS: number, peakScore = 4): AnomalyInterval {
  return { series, startMs: startS * 1000, endMs: endS * 1000, peakValue: 1, peakScore, direction: 'high', method: 'calibrated', flaggedCount: 1 };
}

/** One hour steady, then from minute 50 a burst in CPU, latency and messages/s at once. */
const BURST_AT = 50 * 60;
const burst = scenario(
  {
    process_cpu_usage_percent: (i, m, g) => (i >= BURST_AT && i < BURST_AT + 60 ? 85 : HEALTHY.process_cpu_usage_percent!(i, m, g)),
    chat_message_latency_seconds_p95: (i, m, g) => (i >= BURST_AT && i < BURST_AT + 60 ? 0.4 : HEALTHY.chat_message_latency_seconds_p95!(i, m, g)),
    chat_messages_per_second: (i, m, g) => (i >= BURST_AT && i < BURST_AT + 60 ? 300 : HEALTHY.chat_messages_per_second!(i, m, g)),
  },
  { seconds: 3600 },
);

describe('incidents across metrics', () => {
  it('overlapping anomalies of several series are one incident with its members, strongest first', () => {
    const inc = groupIncidents([interval('cpu', 100, 130, 5), interval('latency', 102, 140, 8), interval('msgs', 99, 120, 3), interval('cpu', 900, 905)]);
    assert.equal(inc.length, 2);
    assert.deepEqual(inc[0]!.series, ['latency', 'cpu', 'msgs']);
    assert.equal(inc[0]!.startMs, 99_000);
    assert.equal(inc[0]!.endMs, 140_000);
    assert.deepEqual(inc[1]!.series, ['cpu']);
  });

  it('anomalies within the tolerance join; further apart they do not; a series appears once per incident', () => {
    assert.equal(groupIncidents([interval('a', 0, 10), interval('b', 20, 30)], 15_000).length, 1);
    assert.equal(groupIncidents([interval('a', 0, 10), interval('b', 40, 50)], 15_000).length, 2);
    const one = groupIncidents([interval('a', 0, 10, 3), interval('a', 12, 14, 9), interval('b', 5, 6)]);
    assert.deepEqual(one[0]!.series, ['a', 'b']);
    assert.equal(one[0]!.members[0]!.peakScore, 9);
  });

  it('the analyzer reports a burst seen in CPU, latency and messages/s as one incident, and the report lists it once', () => {
    const a = analyze(burst, windowOf(burst));
    const joint = a.incidents.filter((i) => i.series.length > 1);
    assert.equal(joint.length, 1, JSON.stringify(a.incidents.map((i) => i.series)));
    const members = new Set(joint[0]!.series);
    for (const s of ['process_cpu_usage_percent', 'chat_message_latency_seconds_p95', 'chat_messages_per_second']) assert.ok(members.has(s), s);
    assert.ok(Math.abs(joint[0]!.startMs - (burst.latestTimeMs - 3599_000 + BURST_AT * 1000)) <= 2000);
    const text = renderMarkdown(buildReport({ target: { name: 'node', state: 'running', pid: 7 }, analysis: a, generatedAtMs: a.window.toMs }));
    assert.match(text, /### Incidents across metrics/);
  });

  it('a steady hour of the healthy server shows no anomaly at all', () => {
    const steady = scenario({}, { seconds: 3600 });
    const a = analyze(steady, windowOf(steady));
    assert.deepEqual(a.anomalies.map((x) => x.series), []);
    assert.equal(a.incidents.length, 0);
  });

  it('early warning: CPU climbing towards the edge of its usual range is forecast before it gets there', () => {
    // 45 min at 10% ± 2, then climbing 1%/min for 11 min: the warning comes while it is still inside its range.
    const climbing = scenario({ process_cpu_usage_percent: (i, m, g) => 10 + 2 * g() + (i > 2700 ? (i - 2700) / 60 : 0) }, { seconds: 3400 });
    const a = analyze(climbing, windowOf(climbing));
    const w = a.earlyWarnings.find((f) => f.series === 'process_cpu_usage_percent');
    assert.ok(w, 'an early warning for CPU');
    assert.ok(w.limit > w.fittedNow && w.etaMs > 0, `limit ${w.limit}, now ${w.fittedNow}`);
    const text = renderMarkdown(buildReport({ target: { name: 'node', state: 'running', pid: 7 }, analysis: a, generatedAtMs: a.window.toMs }));
    assert.match(text, /Early warning: server CPU leaves its usual range \(above [\d.]+%/);
    const steady = scenario({}, { seconds: 3400 });
    assert.equal(analyze(steady, windowOf(steady)).earlyWarnings.length, 0);
  });

  it('the report still caps the listed intervals per series (classic detector on a leak)', () => {
    const store = scenario({ process_resident_memory_bytes: (_i, m, g) => 100 * MB + 3 * MB * m + 0.5 * MB * g() });
    const a = analyze(store, { ...windowOf(store), anomaly: { detector: 'ewma' } });
    const text = renderMarkdown(buildReport({ target: { name: 'node', state: 'running', pid: 7 }, analysis: a, generatedAtMs: a.window.toMs }));
    assert.match(text, /more weaker intervals not listed/);
  });
});

describe('dashboard bands for incidents', () => {
  it('a burst in three series is one anomaly marker naming its members', async function () {
    this.timeout(60_000);
    const clock = fakeClock();
    const g = gaussian(mulberry32(2));
    let burst = false;
    const monitor = new Monitor({
      clock,
      locator: {
        locate: async () => ({ ok: true, process: { pid: 9, commandLine: 'node s.js', executable: 'node', ports: [8080], startTimeMs: 1, reason: 'pid 9' } }),
        isSameProcess: async () => true,
      },
      createSources: () => [
        {
          id: 'process',
          collect: async () => ({
            samples: [
              { name: 'process_cpu_usage_percent', labels: {}, value: burst ? 90 : 10 + 2 * g() },
              { name: 'chat_message_latency_seconds_p95', labels: {}, value: burst ? 0.5 : 0.01 + 0.001 * g() },
              { name: 'chat_messages_per_second', labels: {}, value: burst ? 400 : 20 + 3 * g() },
            ],
            problems: [],
          }),
        },
      ],
    });
    monitor.configure(parseConfig({ 'target.port': 8080 }).config);
    const source = new MonitorDashboardSource(monitor, () => undefined, () => undefined, () => undefined);
    monitor.start();
    await clock.tickAsync(600_000);
    assert.deepEqual(source.markers(0).filter((m) => m.kind === 'anomaly'), [], 'a steady 10 minutes: no anomaly band');
    burst = true;
    await clock.tickAsync(20_000);
    await monitor.stop();
    const bands = source.markers(0).filter((m) => m.kind === 'anomaly');
    assert.equal(bands.length, 1, JSON.stringify(bands));
    assert.deepEqual([...bands[0]!.seriesKeys!].sort(), ['chat_message_latency_seconds_p95', 'chat_messages_per_second', 'process_cpu_usage_percent']);
    source.dispose();
    monitor.dispose();
  });
});
