import assert from 'node:assert/strict';
import { buildColumns, chartStepMs, chartTailBudget, downsampleColumns, TIER_STEPS_MS } from '../../src/core/chartData';
import { SeriesStore } from '../../src/core/store/seriesStore';
import { StoreChartFeed } from '../../src/vscode/dashboard/storeDashboardSource';

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
