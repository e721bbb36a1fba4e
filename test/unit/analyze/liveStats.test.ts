import * as assert from 'node:assert/strict';
import path from 'node:path';
import { analyze } from '../../../src/core/analyze/analyzer';
import { LiveAnalysis } from '../../../src/core/analyze/liveAnalysis';
import { LiveStats } from '../../../src/core/analyze/liveStats';
import { BLOCK_MS, Moments, MomentsScratch, windowMoments } from '../../../src/core/analyze/moments';
import { ScanScratch, WindowScan, scanWindow } from '../../../src/core/analyze/seriesScan';
import { summarize } from '../../../src/core/analyze/stats';
import { linearTrend } from '../../../src/core/analyze/trend';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { fakeClock } from '../helpers/fakeClock';
import { CHILD_NODE_TEST_TIMEOUT_MS, runWithNatives } from '../helpers/v8Natives';
import { gaussian, mulberry32 } from './synthetic';

/** What the full scan of the window gives (a report's path). */
function fullScan(store: SeriesStore, key: string, fromMs: number, toMs: number): WindowScan {
  return scanWindow(store.windowSegments(key, fromMs, toMs) ?? [], new ScanScratch(), { maxPoints: 100, reducers: [] });
}

function liveScan(live: LiveStats, store: SeriesStore, key: string, fromMs: number, toMs: number): WindowScan | undefined {
  live.begin();
  const scan = live.scan(store, key, store.windowSegments(key, fromMs, toMs) ?? [], fromMs, toMs);
  live.end();
  return scan;
}

interface Feed {
  /** Ring slots per series. */
  readonly capacity: number;
  readonly intervalMs: number;
  readonly windowMs: number;
  readonly ticks: number;
  /** The value of tick i (NaN for a gap), undefined for a tick the series skips. */
  readonly value: (i: number) => number | undefined;
}

/**
 * Ticks a fake clock, appends one sample a tick, and after each compares the live
 * scan with the full scan of the same window: every figure, to the last bit.
 */
function followsExactly(feed: Feed): { live: LiveStats; scans: number } {
  const clock = fakeClock(Date.UTC(2026, 0, 1, 10, 0, 17));
  const store = new SeriesStore(feed.capacity);
  const live = new LiveStats();
  let scans = 0;
  for (let i = 0; i < feed.ticks; i++) {
    clock.tick(feed.intervalMs);
    const v = feed.value(i);
    // Another series keeps the tick going when this one skips it.
    store.append(clock.now(), v === undefined ? [{ name: 'other', labels: {}, value: i }] : [{ name: 'm', labels: {}, value: v }, { name: 'other', labels: {}, value: i }]);
    if (!store.has('m')) continue;
    const toMs = store.latestTimeMs;
    const fromMs = toMs - feed.windowMs;
    const got = liveScan(live, store, 'm', fromMs, toMs);
    assert.ok(got, `tick ${i}: the live scan answered`);
    assert.deepEqual(got, fullScan(store, 'm', fromMs, toMs), `tick ${i}`);
    scans++;
  }
  return { live, scans };
}

describe('LiveStats (the live window\'s statistics and trends, kept tick by tick)', () => {
  const g = gaussian(mulberry32(11));
  // Bytes-sized values with a drift: the case where a running sum loses digits.
  const rss = (i: number) => 300e6 + 2e6 * g() + 5000 * i;

  it('gives the full scan\'s summary, trend and latest sample to the last bit on every tick of 40 min at 1 Hz (15 min window)', () => {
    const { scans } = followsExactly({ capacity: 4000, intervalMs: 1000, windowMs: 15 * 60_000, ticks: 2400, value: rss });
    assert.equal(scans, 2400);
  });

  it('stays exact through gaps, NaN and ±Infinity, a window shorter than a clock minute, and irregular intervals', () => {
    const dirty = (i: number) => (i % 97 === 5 ? NaN : i % 211 === 7 ? Infinity : i % 307 === 11 ? -Infinity : i % 50 < 3 ? undefined : 20 + 4 * g());
    followsExactly({ capacity: 4000, intervalMs: 1000, windowMs: 15 * 60_000, ticks: 1500, value: dirty });
    followsExactly({ capacity: 4000, intervalMs: 1000, windowMs: 30_000, ticks: 400, value: dirty });
    followsExactly({ capacity: 4000, intervalMs: 1700, windowMs: 5 * 60_000, ticks: 800, value: rss });
    // A long run of NaN: the window holds no finite value for a while, then finite again.
    followsExactly({ capacity: 4000, intervalMs: 1000, windowMs: 60_000, ticks: 400, value: (i) => (i >= 100 && i < 250 ? NaN : 7 + g()) });
  });

  it('stays exact when the ring wraps inside the window and when it no longer holds the samples kept (it starts over)', () => {
    followsExactly({ capacity: 950, intervalMs: 1000, windowMs: 15 * 60_000, ticks: 2500, value: rss });
    // The ring holds less than the window: samples leave the store before the window.
    followsExactly({ capacity: 300, intervalMs: 1000, windowMs: 15 * 60_000, ticks: 1200, value: rss });
  });

  it('reads the new samples, the leaving ones and the first minute, not the window, per scan (O(new samples))', () => {
    const { live, scans } = followsExactly({ capacity: 4000, intervalMs: 1000, windowMs: 15 * 60_000, ticks: 3000, value: rss });
    const perScan = live.samplesRead / scans;
    // A full scan reads the 900 samples of the window every time; here one new sample,
    // one that left, the first and the last minute (at most 60 each; 30 + 30 on average)
    // and each minute once, plus the start-up.
    assert.ok(perScan < 80, `${perScan.toFixed(1)} samples read per scan`);
  });

  it('reads the first minute once while no sample has left it (a window younger than its length, as in a monitor\'s first 15 min)', () => {
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    const store = new SeriesStore(4000);
    const live = new LiveStats();
    const windowMs = 15 * 60_000;
    let i = 0;
    const tickAndCompare = (): void => {
      store.append(t0 + i * 1000, [{ name: 'm', labels: {}, value: rss(i) }]);
      i++;
      const toMs = store.latestTimeMs;
      assert.deepEqual(liveScan(live, store, 'm', toMs - windowMs, toMs), fullScan(store, 'm', toMs - windowMs, toMs), `tick ${i}`);
    };
    // 3.5 min: minutes 0, 1 and 2 closed, minute 3 holds 30 samples.
    while (i < 210) tickAndCompare();
    const before = live.samplesRead;
    tickAndCompare();
    // The new sample, and the minute it arrives in (now 31 samples) read again; not the first minute's 60.
    assert.equal(live.samplesRead - before, 1 + 31);
  });

  it('reads a window given in more than two views as the same samples', () => {
    const store = new SeriesStore(500);
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 300; i++) store.append(t0 + i * 1000, [{ name: 'm', labels: {}, value: rss(i) }]);
    const [one] = store.windowSegments('m', t0, t0 + 299_000)!;
    const three = [100, 250].map((at, k, cuts) => ({ times: one!.times.subarray(k === 0 ? 0 : cuts[k - 1], at), values: one!.values.subarray(k === 0 ? 0 : cuts[k - 1], at) }));
    three.push({ times: one!.times.subarray(250), values: one!.values.subarray(250) });
    assert.deepEqual(new LiveStats().scan(store, 'm', three, t0, t0 + 299_000), fullScan(store, 'm', t0, t0 + 299_000));
  });

  it('leaves a window with a sample without a valid time to the full scan', () => {
    const store = new SeriesStore(100);
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 10; i++) store.append(t0 + i * 1000, [{ name: 'm', labels: {}, value: i }]);
    const segments = [{ times: Float64Array.of(t0, NaN, t0 + 2000), values: Float64Array.of(1, 2, 3) }];
    assert.equal(new LiveStats().scan(store, 'm', segments, t0, t0 + 2000), undefined);
  });

  it('folds the moments of a window by clock minutes to within rounding of one long sum (summarize, linearTrend)', () => {
    const n = 5000;
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      times[i] = Date.UTC(2026, 0, 1) + 333 + i * 1000;
      values[i] = rss(i);
    }
    const m = windowMoments(times, values, n, new MomentsScratch(), new Moments());
    const plain = summarize(values);
    const trend = linearTrend(times, values);
    assert.equal(m.n, n);
    assert.ok(Math.abs(m.meanY - plain.mean) <= 1e-12 * Math.abs(plain.mean));
    assert.ok(Math.abs(Math.sqrt(m.syy / (n - 1)) - plain.stdDev) <= 1e-9 * plain.stdDev);
    const slope = m.sxy / BLOCK_MS / (m.sxx / (BLOCK_MS * BLOCK_MS));
    assert.ok(Math.abs(slope - trend.slopePerMinute) <= 1e-9 * Math.abs(trend.slopePerMinute));
  });

  it('LiveAnalysis: the live statistics and trends equal a full analysis of the same window at every analysis', () => {
    const clock = fakeClock(Date.UTC(2026, 0, 1, 9, 59, 41));
    const store = new SeriesStore(3600);
    const live = new LiveAnalysis({ windowMs: 10 * 60_000, everyTicks: 7 });
    const gg = gaussian(mulberry32(3));
    const options = (windowMs: number) => ({ fromMs: store.latestTimeMs - windowMs, toMs: store.latestTimeMs, nowMs: clock.now() });
    let compared = 0;
    for (let i = 0; i < 1800; i++) {
      clock.tick(1000);
      store.append(clock.now(), [
        { name: 'process_cpu_usage_percent', labels: {}, value: 20 + 3 * gg() + (i % 400 > 380 ? 50 : 0) },
        { name: 'process_resident_memory_bytes', labels: {}, value: 200e6 + 1e5 * i + 1e6 * gg() },
        { name: 'chat_messages_per_second', labels: {}, value: i % 133 === 0 ? NaN : 40 + 5 * gg() },
        { name: 'process_start_time_seconds', labels: {}, value: 1_767_000_000 },
      ]);
      if (live.tick(store, options)) {
        const full = analyze(store, options(10 * 60_000));
        assert.deepEqual(live.analysis!.stats, full.stats, `tick ${i}`);
        assert.deepEqual(live.analysis!.trends, full.trends, `tick ${i}`);
        assert.equal(live.analysis!.sampleCount, full.sampleCount);
        compared++;
      }
    }
    assert.ok(compared > 200);
    assert.ok(live.liveStats.samplesRead < 1800 * 4 * 70, `${live.liveStats.samplesRead} samples read`);
  });

  describe('compiled once (issue 20: checked with V8\'s own bits in a process of its own)', () => {
    const dir = path.join(__dirname, '../../../src/core/analyze');
    const run = (script: string): Record<string, number | boolean> =>
      JSON.parse(runWithNatives(script)) as Record<string, number | boolean>;

    it('a window\'s sorted values grow without throwing insert\'s optimised code away (the warm-up took that branch)', () => {
      const out = run(`
        const { LiveStats, SeriesWindow } = require(${JSON.stringify(path.join(dir, 'liveStats.js'))});
        new LiveStats();
        const insert = SeriesWindow.prototype.insert;
        const w = new SeriesWindow();
        %PrepareFunctionForOptimization(insert);
        for (let i = 0; i < 40; i++) w.push(1_700_000_000_000 + i * 1000, (i * 37) % 41, true);
        %OptimizeFunctionOnNextCall(insert);
        w.push(1_700_000_040_000, 3, true);
        const before = %GetOptimizationStatus(insert);
        for (let i = 41; i < 70; i++) w.push(1_700_000_000_000 + i * 1000, (i * 37) % 41, true);
        console.log(JSON.stringify({ before, after: %GetOptimizationStatus(insert), count: w.count }));`);
      assert.equal(out.count, 70, 'past the first growth at 64');
      assert.ok(((out.before as number) & 16) !== 0, `optimised first (status ${out.before})`);
      assert.ok(((out.after as number) & 16) !== 0, `still optimised (status ${out.after})`);
    }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);
  });
});
