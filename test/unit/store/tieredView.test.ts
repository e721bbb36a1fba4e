import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze/analyzer';
import { parseConfig } from '../../../src/core/config';
import { LocateResult, Locator } from '../../../src/core/collect/targetTracker';
import { Metric, TargetProcess } from '../../../src/core/model';
import { Monitor } from '../../../src/core/monitor';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { TieredView } from '../../../src/core/store/tieredView';
import { fakeClock } from '../helpers/fakeClock';

const HOUR = 3_600_000;

/** Three hours at 1 Hz into a store that keeps 10 minutes raw: CPU 80 % for two hours, then 10 %. */
function threeHours(): { store: SeriesStore; t0: number; end: number } {
  const store = new SeriesStore(600);
  const t0 = 1_800_000_000_000;
  let t = t0;
  for (let i = 0; i < 3 * 3600; i++, t += 1000) {
    const cpu = i < 2 * 3600 ? 80 + (i % 3) : 10;
    store.append(t, [
      { name: Metric.processCpuPercent, labels: {}, value: cpu },
      { name: 'chat_room_users', labels: { room: 'a' }, value: i % 10 },
    ]);
  }
  return { store, t0, end: t - 1000 };
}

describe('TieredView (the analyzer over a window longer than the raw history)', () => {
  it('gives each series its tier means over the window, then its raw samples in the bucket still filling: a point a bucket, none counted twice', () => {
    const { store, t0, end } = threeHours();
    const view = new TieredView(store);
    assert.ok(TieredView.needed(store, t0));
    assert.ok(!TieredView.needed(store, end - 5 * 60_000), 'inside the raw history the store itself is read');
    const segs = view.windowSegments(Metric.processCpuPercent, t0, end)!;
    const tier = segs[0]!;
    const openBucket = Math.floor(end / 10_000) * 10_000;
    // Three hours ≤ six: 10 s buckets, each at its middle, up to the bucket holding the newest sample.
    assert.equal(tier.times.length, (openBucket - Math.floor(t0 / 10_000) * 10_000) / 10_000);
    assert.ok(tier.times.every((x, i) => i === 0 || x - tier.times[i - 1]! === 10_000));
    assert.ok(tier.times[tier.times.length - 1]! + 5_000 <= openBucket);
    const rest = segs.slice(1).flatMap((g) => [...g.times]);
    assert.deepEqual(rest, Array.from({ length: (end - openBucket) / 1000 + 1 }, (_, i) => openBucket + i * 1000), 'then raw');
    const w = store.tierWindow(Metric.processCpuPercent, 10_000, t0, end)!;
    assert.equal(tier.values[5], w.sum[5]! / w.count[5]!, 'the bucket mean');
    // A window longer than six hours reads the 1 min tier.
    const day = view.windowSegments(Metric.processCpuPercent, end - 20 * HOUR, end)![0]!;
    assert.equal(day.times[1]! - day.times[0]!, 60_000);
    assert.equal(view.window(Metric.processCpuPercent, t0, end)!.times.length, tier.times.length + rest.length);
  });

  it('the analysis of three hours sees the two hours at 80 % that the raw ten minutes no longer hold', () => {
    const { store, t0, end } = threeHours();
    const rawOnly = analyze(store, { fromMs: t0, toMs: end, nowMs: end });
    const tiered = analyze(new TieredView(store), { fromMs: t0, toMs: end, nowMs: end });
    const cpu = (a: typeof rawOnly) => a.stats.find((s) => s.name === Metric.processCpuPercent)!.summary;
    assert.equal(cpu(rawOnly).max, 10, 'raw: only the last ten minutes');
    assert.ok(cpu(tiered).max >= 80, `tiers: ${cpu(tiered).max}`);
    // An hour weighs an hour: 2 h at ~81, 1 h at 10.
    assert.ok(Math.abs(cpu(tiered).mean - (2 * 81 + 10) / 3) < 1, String(cpu(tiered).mean));
    assert.ok(tiered.sampleCount > rawOnly.sampleCount);
    assert.equal(cpu(tiered).count, 3 * 360 - 1 + 10, 'a point a 10 s bucket, then the raw samples of the last');
  });

  it('Monitor.analyze (the report) reads the tiers for a window longer than history.minutes', async () => {
    const proc: TargetProcess = { pid: 7, commandLine: 'node server.js', executable: 'node', ports: [8080], startTimeMs: 1, reason: 'pid 7' };
    const locator: Locator = {
      locate: async (): Promise<LocateResult> => ({ ok: true, process: proc }),
      isSameProcess: async () => true,
    };
    const clock = fakeClock();
    const state = { cpu: 90 };
    const monitor = new Monitor({
      clock,
      locator,
      createSources: () => [
        { id: 'process', collect: async () => ({ samples: [{ name: Metric.processCpuPercent, labels: {}, value: state.cpu }], problems: [] }) },
      ],
    });
    monitor.configure(parseConfig({ 'target.port': 8080, 'history.minutes': 5 }).config);
    monitor.start();
    await clock.tickAsync(30 * 60_000);
    state.cpu = 5;
    await clock.tickAsync(10 * 60_000);
    await monitor.stop();
    const stats = monitor.analyze(40 * 60_000).stats.find((s) => s.name === Metric.processCpuPercent)!;
    assert.equal(monitor.store.length(Metric.processCpuPercent), 300, 'five minutes raw');
    assert.ok(stats.summary.max >= 90 && Math.abs(stats.summary.mean - (30 * 90 + 10 * 5) / 40) < 2, `max ${stats.summary.max}, mean ${stats.summary.mean}`);
    const all = monitor.analyze('all');
    assert.ok(all.window.toMs - all.window.fromMs >= 39 * 60_000, 'everything kept: as far back as the tiers reach');
    monitor.dispose();
  });
});
