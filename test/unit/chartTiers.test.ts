import assert from 'node:assert/strict';
import { buildColumns, chartStepMs, chartTailBudget, downsampleColumns, TIER_STEPS_MS } from '../../src/core/chartData';
import { SeriesStore } from '../../src/core/store/seriesStore';
import { StoreChartFeed } from '../../src/vscode/dashboard/storeDashboardSource';
import { tierColumns } from '../../src/core/chartTiers';
import { Metric } from '../../src/core/model';
import { mulberry32 } from '../../src/core/analyze/random';

const T0 = Date.UTC(2026, 0, 1); // a multiple of every tier step

describe('chart tiers (no chart gets more points than pixels)', () => {
  it('chooses raw ticks while they fit, else the finest tier whose buckets fit', () => {
    assert.equal(chartStepMs(5 * 60_000, 1000, 500), 0); // 301 raw points fit
    assert.equal(chartStepMs(15 * 60_000, 1000, 500), 10_000); // 900 do not; 2 × 91 do
    assert.equal(chartStepMs(3600_000, 1000, 520), 30_000); // 2 × 361 at 10 s do not; 2 × 121 at 30 s do
    assert.equal(chartStepMs(3600_000, 1000, 1020), 10_000);
  });

  it('never gives more points than pixels, at any range and width', () => {
    for (const width of [160, 240, 520, 1020, 3000]) {
      for (const spanMs of [60_000, 300_000, 900_000, 3600_000, 6 * 3600_000, 24 * 3600_000, 7 * 24 * 3600_000]) {
        const step = chartStepMs(spanMs, 1000, width);
        const points = step === 0 ? spanMs / 1000 + 1 : 2 * (Math.ceil(spanMs / step) + 1) + 3 + chartTailBudget(width);
        assert.ok(points <= width, `${spanMs / 60_000} min on ${width} px: ${points} points (step ${step})`);
        assert.ok(step === 0 || TIER_STEPS_MS.includes(step) || step % 3600_000 === 0, `step ${step}`);
      }
    }
  });

  it('keeps each bucket’s minimum and maximum in the order they happened, nulls where a series has none, the live bucket ending at its newest tick', () => {
    const x = [0, 1, 2, 3, 10, 11, 12, 20, 21].map((s) => (T0 + s * 1000) / 1000);
    const cols = {
      x,
      keys: ['a', 'b'],
      y: [
        [5, 9, 1, 5, 7, 7, 7, 3, 4],
        [null, null, null, null, 2, -1, 8, null, 6],
      ],
    };
    const d = downsampleColumns(cols, 10_000, T0 + 21_000);
    assert.equal(d.stepMs, 10_000);
    // The live bucket (20 s…) spans its elapsed second, then its newest tick raw.
    assert.deepEqual(d.x, [2.5, 7.5, 12.5, 17.5, 20.25, 20.75, 21].map((s) => T0 / 1000 + s));
    assert.deepEqual(d.y[0], [9, 1, 7, 7, 3, 4, 4]); // max came before min in the first bucket
    assert.deepEqual(d.y[1], [null, null, -1, 8, 6, 6, 6]);
  });

  it('leaves a null row where whole buckets have no data (a gap, not a line across it)', () => {
    const x = [0, 1, 35, 36, 50].map((s) => (T0 + s * 1000) / 1000);
    const d = downsampleColumns({ x, keys: ['a'], y: [[1, 2, 3, 4, 5]] }, 10_000, T0 + 50_000);
    assert.deepEqual(d.x, [T0 / 1000 + 2.5, T0 / 1000 + 7.5, T0 / 1000 + 10, T0 / 1000 + 32.5, T0 / 1000 + 37.5, T0 / 1000 + 40, T0 / 1000 + 50]);
    assert.deepEqual(d.y[0], [1, 2, null, 3, 4, null, 5]);
  });

  it('the feed sends an hour on a 520 px plot as 30 s buckets: ≤ 520 points, every spike kept, the newest tick raw', () => {
    const store = new SeriesStore(3600);
    for (let i = 0; i < 3600; i++) {
      store.append(T0 + i * 1000 + 500, [{ name: 'cpu', labels: {}, value: i === 1234 ? 99 : i === 2345 ? -5 : 10 }]);
    }
    const feed = new StoreChartFeed(store, { intervalMs: 1000 });
    const raw = feed.window(['cpu'], store.latestTimeMs - 3600_000);
    assert.equal(raw.x.length, 3600);
    assert.equal(raw.stepMs, undefined);
    const tiered = feed.window(['cpu'], store.latestTimeMs - 3600_000, 520);
    assert.equal(tiered.stepMs, 30_000);
    assert.ok(tiered.x.length <= 520, `${tiered.x.length} points`);
    const ys = tiered.y[0]!.filter((v): v is number => v !== null);
    assert.equal(Math.max(...ys), 99);
    assert.equal(Math.min(...ys), -5);
    assert.equal(tiered.x[tiered.x.length - 1], (T0 + 3599_500) / 1000);
    assert.deepEqual(buildColumns(store, ['cpu'], { fromMs: T0 }).x.length, 3600);
  });
});

/** A store of `ticks` 1 Hz ticks (from T0) of two series, a spike and a dip now and then, a pause, NaN gaps. */
function filledStore(capacity: number, ticks: number, budgetBytes = Number.POSITIVE_INFINITY): SeriesStore {
  const store = new SeriesStore(capacity, 20_000, budgetBytes);
  const rnd = mulberry32(17);
  for (let i = 0; i < ticks; i++) {
    if (i % 5000 >= 4800 && i % 5000 < 4870) continue; // a 70 s pause: a gap on the chart
    const t = T0 + i * 1000 + (i % 7) * 13; // ticks a little irregular, as timers are
    const cpu = i % 997 === 0 ? 99 : i % 1409 === 0 ? -5 : 20 + Math.round(rnd() * 10);
    store.append(t, [
      { name: Metric.processCpuPercent, labels: {}, value: cpu },
      { name: 'chat_active_users', labels: {}, value: i % 613 === 0 ? Number.NaN : Math.round(rnd() * 100) },
    ]);
  }
  return store;
}

const KEYS = [Metric.processCpuPercent, 'chat_active_users'];

describe('the dashboard reads the store tiers (issue 17)', () => {
  it('where the raw ticks cover the range, the tiers draw exactly what downsampling those ticks draws', () => {
    const store = filledStore(4 * 3600, 3 * 3600 + 123);
    const latest = store.latestTimeMs;
    for (const [step, tier] of [
      [10_000, 10_000],
      [30_000, 10_000],
      [60_000, 60_000],
      [300_000, 60_000],
    ] as const) {
      const from = Math.floor((latest - 3 * 3600_000) / step) * step + step; // whole buckets, all raw ticks held
      const fromTiers = tierColumns(store, KEYS, from, step, tier, 2500);
      const fromRaw = downsampleColumns(buildColumns(store, KEYS, { fromMs: from, maxGapMs: 2500 }), step, latest);
      assert.deepEqual(fromTiers, fromRaw, `${step / 1000} s buckets from the ${tier / 1000} s tier`);
      assert.ok(fromTiers.y[0]!.includes(99) && fromTiers.y[0]!.includes(-5), 'spikes and dips kept');
      if (step <= 60_000) assert.ok(fromTiers.y[0]!.includes(null), 'the pause is a gap');
    }
  });

  it('an hour on a 1020 px plot reaches past a 5-minute raw history into the 10 s tier: ≤ 1020 points, the spikes there, the newest tick raw', () => {
    const store = filledStore(300, 2 * 3600);
    const feed = new StoreChartFeed(store, { intervalMs: 1000 });
    const latest = store.latestTimeMs;
    const cols = feed.window(KEYS, latest - 3600_000, 1020);
    assert.equal(cols.stepMs, 10_000);
    assert.ok(cols.x.length <= 1020, `${cols.x.length} points`);
    assert.ok(cols.x[0]! * 1000 <= latest - 3590_000, `starts ${(latest - cols.x[0]! * 1000) / 60_000} min back`);
    assert.equal(cols.x[cols.x.length - 1], latest / 1000);
    const cpu = cols.y[0]!;
    // 99 every 997 ticks: the four of the last hour (raw holds only the last 5 minutes).
    assert.equal(cpu.filter((v) => v === 99).length, 4);
    assert.ok(cpu.includes(-5));
    // Beyond the raw history the window is what the tiers say, bucket for bucket.
    const older = tierColumns(store, KEYS, latest - 3600_000, 10_000, 10_000, 2500);
    assert.deepEqual(cols, older);
  });

  it('a range whose raw ticks would fit still reaches back into the tiers (15 min on a 1020 px plot, 5 min raw)', () => {
    const store = filledStore(300, 3600);
    const feed = new StoreChartFeed(store, { intervalMs: 1000 });
    const latest = store.latestTimeMs;
    const cols = feed.window(KEYS, latest - 15 * 60_000, 1020);
    assert.equal(cols.stepMs, 10_000);
    assert.ok(cols.x[0]! * 1000 <= latest - 14.9 * 60_000);
    // Where the raw history covers the range, raw ticks as before.
    const short = feed.window(KEYS, latest - 4 * 60_000, 1020);
    assert.equal(short.stepMs, undefined);
    assert.deepEqual(short, buildColumns(store, KEYS, { fromMs: latest - 4 * 60_000, maxGapMs: 2500 }));
  });

  it('a young monitor’s hour is its few minutes of raw ticks, not buckets (the range’s span is the data’s)', () => {
    const store = new SeriesStore(3600);
    for (let i = 0; i < 150; i++) store.append(T0 + 37_000 + i * 1000, [{ name: Metric.processCpuPercent, labels: {}, value: i }]);
    const feed = new StoreChartFeed(store, { intervalMs: 1000 });
    for (const from of [store.latestTimeMs - 3600_000, Number.NEGATIVE_INFINITY]) {
      const cols = feed.window([Metric.processCpuPercent], from, 1020);
      assert.equal(cols.stepMs, undefined);
      assert.equal(cols.x.length, 150);
    }
  });

  it('"all" reaches as far back as the 1 min tier (8 h, past the 10 s tier’s 6 h), in whole minutes, no more points than pixels', () => {
    const store = filledStore(3600, 8 * 3600);
    const feed = new StoreChartFeed(store, { intervalMs: 1000 });
    const latest = store.latestTimeMs;
    for (const width of [520, 1020, 2400]) {
      const cols = feed.window(KEYS, Number.NEGATIVE_INFINITY, width);
      assert.ok(cols.stepMs !== undefined && cols.stepMs % 60_000 === 0, `step ${cols.stepMs} at ${width} px`);
      assert.ok(cols.x.length <= width, `${cols.x.length} points on ${width} px`);
      assert.ok(cols.x[0]! * 1000 <= T0 + cols.stepMs / 4 + 1000, `starts ${(latest - cols.x[0]! * 1000) / 3600_000} h back`);
      assert.equal(cols.x[cols.x.length - 1], latest / 1000);
    }
    assert.ok(feed.maxPoints >= 2400, 'the page keeps a tiered window whole');
  });

  it('"all" finds where its series start from the tiers\' bookkeeping: the only tier buckets read are the ones it draws (issue 20)', () => {
    const store = filledStore(3600, 8 * 3600);
    const feed = new StoreChartFeed(store, { intervalMs: 1000 });
    const read: number[] = [];
    const tierWindow = store.tierWindow.bind(store);
    store.tierWindow = (key, stepMs, fromMs, toMs) => {
      read.push(stepMs);
      return tierWindow(key, stepMs, fromMs, toMs);
    };
    const cols = feed.window(KEYS, Number.NEGATIVE_INFINITY, 1020);
    assert.ok(cols.x[0]! * 1000 <= T0 + cols.stepMs! / 4 + 1000, 'it still starts where the 1 min tier does');
    // Before, each series' 10 s and 1 min buckets were copied once more just to find the oldest.
    assert.deepEqual(read, KEYS.map(() => 60_000));
  });

  it('a series whose tiers the memory budget cut short still reads whole: its tier\'s buckets reach as far back as its raw samples (made from them)', () => {
    // A tight budget: the stored tiers may not grow far; the raw samples' buckets are made when read.
    const store = filledStore(3600, 3600, 60 * 1024);
    const tierFirst = store.tierWindow(Metric.processCpuPercent, 10_000, -Infinity)!.times[0]!;
    const rawFirst = store.window(Metric.processCpuPercent, -Infinity)!.times[0]!;
    const latest = store.latestTimeMs;
    assert.equal(tierFirst, Math.floor(rawFirst / 10_000) * 10_000, 'the tier starts at the bucket of the oldest raw sample');
    const from = Math.ceil(rawFirst / 10_000) * 10_000;
    assert.deepEqual(tierColumns(store, KEYS, from, 10_000, 10_000, 2500), downsampleColumns(buildColumns(store, KEYS, { fromMs: from, maxGapMs: 2500 }), 10_000, latest));
  });
});
