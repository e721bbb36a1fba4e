import * as assert from 'node:assert/strict';
import { Analysis, analyze } from '../../../src/core/analyze/analyzer';
import { bucketFinite, downsample } from '../../../src/core/analyze/downsample';
import { ScanScratch, scanWindow } from '../../../src/core/analyze/seriesScan';
import { summarize } from '../../../src/core/analyze/stats';
import { linearTrend } from '../../../src/core/analyze/trend';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { HEALTHY } from './scenario';
import { T0, gaussian, mulberry32 } from './synthetic';

/** Noisy samples with NaN and ±Infinity sprinkled in, as a broken source would give. */
function dirty(n: number, seed: number): { times: Float64Array; values: Float64Array } {
  const g = gaussian(mulberry32(seed));
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = T0 + i * 1000;
    values[i] = i % 97 === 5 ? NaN : i % 211 === 7 ? Infinity : i % 307 === 11 ? -Infinity : 120e6 + 1e6 * g() + 400 * i;
  }
  return { times, values };
}

function split(times: Float64Array, values: Float64Array, at: number): { times: Float64Array; values: Float64Array }[] {
  return [
    { times: times.subarray(0, at), values: values.subarray(0, at) },
    { times: times.subarray(at), values: values.subarray(at) },
  ];
}

/** Equal in every field, those in `rounding` to a relative 1e-9 (they are sums made in another order). */
function assertClose<T extends object>(got: T, want: T, rounding: readonly (keyof T)[]): void {
  for (const k of Object.keys(want) as (keyof T)[]) {
    const a = got[k];
    const b = want[k];
    if (rounding.includes(k) && typeof a === 'number' && typeof b === 'number' && Number.isFinite(b)) {
      assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(b), 1e-300), `${String(k)}: ${a} vs ${b}`);
    } else {
      assert.deepEqual(a, b, String(k));
    }
  }
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
}

describe('seriesScan', () => {
  it('gives the figures summarize, linearTrend and downsample give across a split window: order statistics to the last bit, sums to rounding', () => {
    const scratch = new ScanScratch();
    for (const [n, at] of [[5000, 0], [5000, 1234], [5000, 5000], [4000, 3999], [17, 8], [1, 1]] as const) {
      const { times, values } = dirty(n, n + at);
      const scan = scanWindow(split(times, values, at), scratch, { maxPoints: 300, reducers: ['mean', 'max', 'min'] });
      // The scan folds its sums by clock minutes (moments.ts), the plain functions make one long sum.
      assertClose(scan.summary, summarize(values), ['mean', 'stdDev']);
      assertClose(scan.trend, linearTrend(times, values), ['slopePerMinute', 'intercept', 'r2', 'slopeStdErr', 'tStat']);
      assert.deepEqual(scan.buckets, downsample(times, values, 300, ['mean', 'max', 'min']));
      let last = n - 1;
      while (!Number.isFinite(values[last]!)) last--;
      assert.deepEqual(scan.latest, { timeMs: times[last], value: values[last] });
      assert.equal(scan.sampleCount, n);
    }
  });

  it('skips a sample without a valid time in the trend and buckets but not in the summary, like the plain functions', () => {
    const { times, values } = dirty(800, 3);
    times[100] = NaN;
    times[101] = Infinity;
    const scan = scanWindow([{ times, values }], new ScanScratch(), { maxPoints: 50, reducers: ['max'] });
    assert.deepEqual(scan.summary, summarize(values));
    assert.deepEqual(scan.trend, linearTrend(times, values));
    assert.deepEqual(scan.buckets, downsample(times, values, 50, ['max']));
  });

  it('on nothing, or nothing finite, gives the empty summary and a flat trend', () => {
    const none = scanWindow([], new ScanScratch(), { maxPoints: 10, reducers: ['mean'] });
    assert.equal(none.summary.count, 0);
    assert.equal(none.trend.n, 0);
    assert.equal(none.latest, undefined);
    const nan = scanWindow([{ times: Float64Array.of(T0, T0 + 1000), values: Float64Array.of(NaN, NaN) }], new ScanScratch(), { maxPoints: 10, reducers: ['mean'] });
    assert.deepEqual(nan.summary, summarize([NaN, NaN]));
    assert.equal(nan.buckets.values.mean?.length, 0);
  });

  it('buckets max and min in one walk with the same result as one reducer at a time', () => {
    const { times, values } = dirty(3000, 9);
    const finite = downsample(times, values, 3000, ['mean']).startMs.length;
    const t = new Float64Array(finite);
    const v = new Float64Array(finite);
    for (let i = 0, k = 0; i < values.length; i++) {
      if (Number.isFinite(values[i]!)) {
        t[k] = times[i]!;
        v[k++] = values[i]!;
      }
    }
    const both = bucketFinite(t, v, finite, 70, ['max', 'min']);
    assert.deepEqual(both.values.max, bucketFinite(t, v, finite, 70, ['max']).values.max);
    assert.deepEqual(both.values.min, bucketFinite(t, v, finite, 70, ['min']).values.min);
  });
});

describe('SeriesStore.windowSegments', () => {
  function filled(capacity: number, ticks: number): SeriesStore {
    const store = new SeriesStore(capacity);
    for (let i = 0; i < ticks; i++) store.append(T0 + i * 1000, [{ name: 'm', labels: {}, value: i }]);
    return store;
  }

  it('gives the window as two views when the ring wraps inside it, one when not, none when empty', () => {
    const store = filled(10, 14); // holds ticks 4..13, stored from slot 4 round to slot 3
    const two = store.windowSegments('m', T0 + 5000, T0 + 12_000)!;
    assert.equal(two.length, 2);
    assert.deepEqual(two.flatMap((s) => [...s.values]), [...store.window('m', T0 + 5000, T0 + 12_000)!.values]);
    assert.deepEqual(two.flatMap((s) => [...s.times]), [...store.window('m', T0 + 5000, T0 + 12_000)!.times]);
    const one = store.windowSegments('m', T0 + 5000, T0 + 8000)!;
    assert.deepEqual(one.map((s) => [...s.values]), [[5, 6, 7, 8]]);
    assert.deepEqual(store.windowSegments('m', T0 + 50_000, T0 + 60_000), []);
    assert.equal(store.windowSegments('absent', T0, T0 + 1000), undefined);
  });

  it('does not copy: the views show what a later append writes over', () => {
    const store = filled(4, 4);
    const [view] = store.windowSegments('m', T0, T0 + 3000)!;
    store.append(T0 + 4000, [{ name: 'm', labels: {}, value: 99 }]);
    assert.equal(view!.values[0], 99);
  });
});

describe('analyze over a wrapped ring', () => {
  /** The same 900 ticks, in a ring that wrapped (capacity 700) and in one that did not. */
  function pair(): [SeriesStore, SeriesStore] {
    const wrapped = new SeriesStore(700);
    const flat = new SeriesStore(1000);
    const g = gaussian(mulberry32(5));
    for (let i = 0; i < 900; i++) {
      const spike = i % 50 === 0;
      const samples = Object.entries(HEALTHY).map(([name, gen]) => ({
        name,
        labels: {},
        value: spike && name === 'process_cpu_usage_percent' ? 95 : (gen(i, i / 60, g) ?? NaN),
      }));
      samples.push({ name: 'chat_messages_total', labels: { room: 'a' }, value: 20 * i + (i % 3) });
      samples.push({ name: 'process_resident_memory_bytes', labels: { worker: '2' }, value: 80e6 + 1e4 * i });
      wrapped.append(T0 + i * 1000, samples);
      flat.append(T0 + i * 1000, samples);
    }
    return [wrapped, flat];
  }

  it('gives the analysis it gives when the same samples are stored without wrapping', () => {
    const [wrapped, flat] = pair();
    const options = { fromMs: T0 + 250_000, toMs: T0 + 899_000, nowMs: T0 + 899_500, memoryLimitBytes: 512e6 };
    const a: Analysis = analyze(wrapped, options);
    assert.ok(a.sampleCount > 10_000);
    assert.deepEqual(a, analyze(flat, options));
  });
});
