import * as assert from 'node:assert/strict';
import { analyze, Analysis } from '../../../src/core/analyze/analyzer';
import { quantile } from '../../../src/core/analyze/stats';
import { formatRate, formatSeconds } from '../../../src/core/format';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { HEALTHY, MB, scenario, windowOf, Gen } from './scenario';

function run(overrides: Record<string, Gen | null>, extra: { memoryLimitBytes?: number; seed?: number; seconds?: number } = {}): Analysis {
  const store = scenario(overrides, { seed: extra.seed, seconds: extra.seconds });
  return analyze(store, { ...windowOf(store), memoryLimitBytes: extra.memoryLimitBytes });
}

function ids(a: Analysis): string[] {
  return a.issues.map((i) => i.id);
}

describe('diagnose (through analyze)', () => {
  it('a healthy steady server: status healthy, no issue at all, over several seeds', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const a = run({}, { seed, memoryLimitBytes: 512 * MB });
      assert.equal(a.status, 'healthy', `seed ${seed}: ${a.reasons.join(' ')}`);
      assert.deepEqual(ids(a), [], `seed ${seed}`);
      assert.equal(a.forecasts.length, 0);
    }
  });

  it('the first 60 s of a steady server: no forecast, even with RSS warming up and the disk moving', () => {
    for (const seed of [1, 2, 3]) {
      const a = run(
        {
          // Warm-up: +15 MiB/min along a clean line, and the disk rising with the machine's other work.
          process_resident_memory_bytes: (_i, m, g) => 44 * MB + 15 * MB * m + 0.05 * MB * g(),
          system_disk_usage_percent: (_i, m, g) => 26 + 0.01 * m + 0.0001 * g(),
          process_open_fds: (i) => 20 + Math.floor(i / 12),
        },
        { seed, seconds: 60, memoryLimitBytes: 512 * MB },
      );
      assert.deepEqual(a.forecasts, [], `seed ${seed}`);
      assert.equal(a.status, 'healthy', `seed ${seed}: ${a.reasons.join(' ')}`);
    }
  });

  it('CPU saturation of the server: warning, and critical when pinned', () => {
    const a = run({ process_cpu_usage_percent: (_i, _m, g) => 88 + 2 * g() });
    const issue = a.issues.find((i) => i.id === 'cpu-saturation');
    assert.equal(issue?.severity, 'warning');
    assert.ok(issue.recommendations.now.some((r) => r.includes('--cpu-prof')));
    assert.ok(issue.recommendations.now.some((r) => r.includes('py-spy')));
    assert.equal(a.status, 'warning');
    const b = run({ process_cpu_usage_percent: (_i, _m, g) => 99 + 0.5 * g() });
    assert.equal(b.issues.find((i) => i.id === 'cpu-saturation')?.severity, 'critical');
  });

  it('system contention: the machine is busy and the server is not', () => {
    const a = run({ system_cpu_usage_percent: (_i, _m, g) => 95 + 2 * g() });
    assert.ok(ids(a).includes('system-contention'));
    assert.ok(!ids(a).includes('cpu-saturation'));
    // Busy machine because of the server itself: not contention.
    const b = run({ system_cpu_usage_percent: (_i, _m, g) => 95 + 2 * g(), process_cpu_usage_percent: (_i, _m, g) => 90 + g() });
    assert.ok(!ids(b).includes('system-contention'));
  });

  it('memory leak: RSS rising steadily with flat users, with evidence and a forecast to the limit', () => {
    const a = run({ process_resident_memory_bytes: (_i, m, g) => 100 * MB + 3 * MB * m + 0.5 * MB * g() }, { memoryLimitBytes: 512 * MB });
    const issue = a.issues.find((i) => i.id === 'memory-leak');
    assert.ok(issue, ids(a).join());
    assert.equal(issue.severity, 'warning');
    const labels = issue.evidence.map((e) => e.label);
    assert.ok(labels.includes('RSS growth'));
    assert.ok(labels.some((l) => l.startsWith('Active users trend')));
    assert.ok(labels.some((l) => l.startsWith('Time to the 512 MiB limit')));
    assert.ok(issue.evidence.find((e) => e.label === 'RSS growth')!.value.startsWith('+3 MiB/min'));
    assert.ok(issue.recommendations.now.some((r) => r.includes('--heapsnapshot-signal')));
    assert.ok(issue.recommendations.now.some((r) => r.includes('tracemalloc')));
    const f = a.forecasts.find((x) => x.series === 'process_resident_memory_bytes');
    assert.ok(f);
    // 100 MB + 3 MB/min for 30 min = 190 MB; (512 − 190) / 3 ≈ 107 min.
    assert.ok(Math.abs(f.etaMs / 60_000 - 107) < 11, String(f.etaMs / 60_000));
  });

  it('memory leak becomes critical when the limit is less than 30 minutes away', () => {
    const a = run({ process_resident_memory_bytes: (_i, m, g) => 100 * MB + 10 * MB * m + 0.5 * MB * g() }, { memoryLimitBytes: 512 * MB });
    assert.equal(a.issues.find((i) => i.id === 'memory-leak')?.severity, 'critical');
    assert.equal(a.status, 'critical');
  });

  it('memory that grows with the users is reported as info, not as a leak', () => {
    const a = run({
      process_resident_memory_bytes: (_i, m, g) => 100 * MB + 3 * MB * m + 0.5 * MB * g(),
      chat_active_users: (_i, m) => Math.round(50 + 10 * m),
    });
    assert.ok(!ids(a).includes('memory-leak'));
    assert.equal(a.issues.find((i) => i.id === 'memory-grows-with-load')?.severity, 'info');
    assert.equal(a.status, 'healthy');
  });

  it('load-driven latency: p95 follows messages/s (r > 0.7)', () => {
    const msgs: Gen = (i) => 100 + 90 * Math.sin(i / 60);
    const a = run({
      chat_messages_per_second: msgs,
      chat_message_latency_seconds_p95: (i, m, g) => 0.02 + 0.001 * msgs(i, m, g)! + 0.005 * g(),
    });
    const issue = a.issues.find((i) => i.id === 'load-driven-latency');
    assert.equal(issue?.severity, 'warning');
    const c = a.correlations.find((x) => x.a === 'chat_message_latency_seconds_p95');
    assert.ok(c && c.r > 0.9);
    // The percentiles it quotes are the window's (read from the series' summaries, not selected again).
    const p95 = a.stats.find((x) => x.name === 'chat_message_latency_seconds_p95')!.summary.p95;
    const max = a.stats.find((x) => x.name === 'chat_messages_per_second')!.summary.max;
    const store = scenario({ chat_messages_per_second: msgs, chat_message_latency_seconds_p95: (i, m, g) => 0.02 + 0.001 * msgs(i, m, g)! + 0.005 * g() });
    const w = windowOf(store);
    assert.equal(p95, quantile(store.window('chat_message_latency_seconds_p95', w.fromMs, w.toMs)!.values, 0.95));
    assert.equal(max, quantile(store.window('chat_messages_per_second', w.fromMs, w.toMs)!.values, 1));
    assert.equal(issue!.evidence[1]!.value, formatSeconds(p95));
    assert.equal(issue!.evidence[2]!.value, formatRate(max));
  });

  it('event-loop blocking when the lag is high', () => {
    const a = run({ nodejs_eventloop_lag_p99_seconds: (_i, _m, g) => 0.3 + 0.05 * g() });
    assert.equal(a.issues.find((i) => i.id === 'event-loop-blocking')?.severity, 'warning');
  });

  it('GC pressure from rate(_count) × mean, summed over GC kinds', () => {
    const store = scenario(
      { nodejs_gc_duration_seconds_per_second: null, nodejs_gc_duration_seconds_mean: null },
      {
        labelled: [
          { name: 'nodejs_gc_duration_seconds_per_second', labels: { kind: 'minor' }, gen: () => 40 },
          { name: 'nodejs_gc_duration_seconds_mean', labels: { kind: 'minor' }, gen: () => 0.002 },
          { name: 'nodejs_gc_duration_seconds_per_second', labels: { kind: 'major' }, gen: () => 2 },
          { name: 'nodejs_gc_duration_seconds_mean', labels: { kind: 'major' }, gen: () => 0.04 },
        ],
      },
    );
    const a = analyze(store, windowOf(store));
    const gc = a.stats.find((s) => s.key === 'nodejs_gc_time_ratio');
    assert.ok(gc && Math.abs(gc.summary.median - 0.16) < 1e-9); // 40·0.002 + 2·0.04
    assert.equal(a.issues.find((i) => i.id === 'gc-pressure')?.severity, 'warning');
  });

  it('fd leak: open fds rising towards the process limit', () => {
    const a = run({ process_open_fds: (_i, m) => Math.round(100 + 10 * m) }); // 400 of 1024 after 30 min: ~1 h left
    const issue = a.issues.find((i) => i.id === 'fd-leak');
    assert.equal(issue?.severity, 'warning');
    assert.ok(a.forecasts.some((f) => f.series === 'process_open_fds' && f.limit === 1024));
    const b = run({ process_open_fds: () => 1000 });
    assert.equal(b.issues.find((i) => i.id === 'fd-leak')?.severity, 'critical');
  });

  it('fd leak: a few fds opened in the first minute after a start is not a leak', () => {
    // 20 → 23 fds over 50 s (seen after a window reload): the fit is steep but short.
    const a = run({ process_open_fds: (i) => 20 + Math.min(3, Math.floor(i / 15)) }, { seconds: 50 });
    assert.equal(a.issues.find((i) => i.id === 'fd-leak'), undefined);
  });

  it('disk filling: forecast to 100%', () => {
    const a = run({ system_disk_usage_percent: (_i, m, g) => 80 + 0.2 * m + 0.01 * g() });
    const issue = a.issues.find((i) => i.id === 'disk-filling');
    assert.equal(issue?.severity, 'warning');
    assert.ok(issue.evidence.some((e) => e.label.startsWith('Time to a full disk')));
  });

  it('restarting repeatedly: from the restart counter and from uptime resets', () => {
    const a = run({ target_restarts_total: (i) => Math.floor(i / 500) });
    assert.equal(a.issues.find((i) => i.id === 'restarts')?.severity, 'warning');
    const b = run({ target_restarts_total: null, process_uptime_seconds: (i) => i % 300 });
    assert.equal(b.issues.find((i) => i.id === 'restarts')?.severity, 'critical'); // 5 resets
    const c = run({ target_restarts_total: (i) => (i > 900 ? 1 : 0) });
    assert.equal(c.issues.find((i) => i.id === 'restarts')?.severity, 'info');
    assert.equal(c.status, 'healthy');
  });

  it('server down: critical, with how long', () => {
    const down = (i: number): boolean => i >= 1680;
    const a = run({
      target_up: (i) => (down(i) ? 0 : 1),
      process_cpu_usage_percent: (i, m, g) => (down(i) ? undefined : HEALTHY.process_cpu_usage_percent!(i, m, g)),
    });
    const issue = a.issues.find((i) => i.id === 'server-down');
    assert.equal(issue?.severity, 'critical');
    assert.equal(issue.evidence[0]!.value, '1 min 59 s'); // first 0 at tick 1680, last tick 1799
    assert.equal(a.status, 'critical');
    assert.ok(a.reasons.includes('The chat server is not running'));
  });

  it('a machine short of memory', () => {
    const a = run({ system_memory_usage_percent: (_i, _m, g) => 96 + 0.5 * g() });
    assert.equal(a.issues.find((i) => i.id === 'machine-memory')?.severity, 'critical');
  });

  describe('data quality: never healthier than the evidence', () => {
    it('a scrape failing for most of the window is a warning with the last failure as evidence', () => {
      const store = scenario({ scrape_up: (i) => (i % 10 === 0 ? 1 : 0) });
      const a = analyze(store, { ...windowOf(store), scrapeProblem: 'http://127.0.0.1:1/metrics answered HTTP 500.' });
      const issue = a.issues.find((i) => i.id === 'scrape-failing');
      assert.equal(issue?.severity, 'warning');
      assert.equal(issue.category, 'data');
      assert.match(issue.evidence[0]!.value, /^1,620 of 1,800 \(90%\)$/);
      assert.equal(issue.evidence[1]!.value, 'http://127.0.0.1:1/metrics answered HTTP 500.');
      // The server text stays in the (escaped) evidence, never in the Markdown recommendations.
      assert.ok(!issue.recommendations.now.join(' ').includes('HTTP 500'));
      assert.equal(a.status, 'warning');
    });

    it('a few failed scrapes are info, and a clean scrape record says nothing', () => {
      const a = run({ scrape_up: (i) => (i === 5 ? 0 : 1) });
      assert.equal(a.issues.find((i) => i.id === 'scrape-failing')?.severity, 'info');
      assert.equal(a.status, 'healthy');
      assert.ok(!ids(run({ scrape_up: () => 1 })).includes('scrape-failing'));
    });

    it('series dropped by the limit, in the scrape or the store: a warning naming the setting', () => {
      for (const name of ['scrape_samples_dropped', 'store_series_refused']) {
        const a = run({ [name]: (i) => (i > 100 && i < 200 ? 90_000 : 0) });
        const issue = a.issues.find((i) => i.id === 'series-dropped');
        assert.equal(issue?.severity, 'warning', name);
        assert.equal(issue.evidence[0]!.value, '90,000 at most');
        assert.ok(issue.recommendations.investigate.join(' ').includes('chatroomMonitor.metrics.maxSeries'));
        assert.equal(a.status, 'warning');
      }
      assert.ok(!ids(run({ scrape_samples_dropped: () => 0 })).includes('series-dropped'));
    });

    it('too few samples of a running server: a warning, not "healthy"', () => {
      const a = run({}, { seconds: 3 });
      assert.deepEqual(ids(a), ['too-few-samples']);
      assert.equal(a.status, 'warning');
      assert.match(a.issues[0]!.summary, /holds 3 samples/);
      assert.equal(run({}, { seconds: 5 }).status, 'healthy');
    });

    it('the store says when it refused series (store_series_refused), and keeps saying 0 after', () => {
      const store = new SeriesStore(10, 2);
      store.append(1000, [{ name: 'a', labels: {}, value: 1 }]);
      assert.equal(store.latest('store_series_refused'), undefined);
      store.append(2000, [1, 2, 3].map((i) => ({ name: 'x', labels: { i: String(i) }, value: i })));
      assert.equal(store.latest('store_series_refused')?.value, 2);
      store.append(3000, [{ name: 'a', labels: {}, value: 1 }]);
      assert.deepEqual(store.latest('store_series_refused'), { timeMs: 3000, value: 0, stale: false });
    });
  });
});
