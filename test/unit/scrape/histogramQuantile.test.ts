import * as assert from 'node:assert/strict';
import { histogramQuantile } from '../../../src/core/scrape/histogramQuantile';
import { CHILD_NODE_TEST_TIMEOUT_MS, TURBOFANNED, requireOf, runWithNatives } from '../helpers/v8Natives';

const close = (actual: number, expected: number): void => {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);
};

describe('histogramQuantile', () => {
  // Prometheus' own promql/testdata/histograms.test, "testhistogram" at 50m:
  //   start="positive": le 0.1 → 50, 0.2 → 70, 1 → 110, +Inf → 120
  //   start="negative": le -0.2 → 10, -0.1 → 20, 0.3 → 20, +Inf → 30
  // and its expected results, worked by hand:
  describe("Prometheus' test histogram", () => {
    const pos = { le: [0.1, 0.2, 1, Infinity], n: [50, 70, 110, 120] };
    const neg = { le: [-0.2, -0.1, 0.3, Infinity], n: [10, 20, 20, 30] };

    it('q=0.2 positive → 0.048', () => {
      // rank 0.2×120 = 24 ≤ 50 → first bucket [0, 0.1]: 0 + 0.1 × 24/50 = 0.048
      close(histogramQuantile(0.2, pos.le, pos.n), 0.048);
    });
    it('q=0.5 positive → 0.15', () => {
      // rank 60 → bucket (0.1, 0.2], 20 in it, 10 past its start: 0.1 + 0.1 × 10/20 = 0.15
      close(histogramQuantile(0.5, pos.le, pos.n), 0.15);
    });
    it('q=0.8 positive → 0.72', () => {
      // rank 96 → bucket (0.2, 1], 40 in it, 26 past its start: 0.2 + 0.8 × 26/40 = 0.72
      close(histogramQuantile(0.8, pos.le, pos.n), 0.72);
    });
    it('q=1 positive → 1, the highest finite bound (the +Inf rule)', () => {
      // rank 120 is first reached by the +Inf bucket → the bound below it
      close(histogramQuantile(1, pos.le, pos.n), 1);
    });
    it('q=0 positive → 0, the lowest bucket starting at 0', () => {
      close(histogramQuantile(0, pos.le, pos.n), 0);
    });
    it('q=0.2 negative → -0.2: a lowest bucket with a bound ≤ 0 returns the bound', () => {
      // rank 6 ≤ 10 → first bucket, whose bound is not positive → -0.2
      close(histogramQuantile(0.2, neg.le, neg.n), -0.2);
    });
    it('q=0.5 negative → -0.15', () => {
      // rank 15 → bucket (-0.2, -0.1], 10 in it, 5 past its start: -0.2 + 0.1 × 5/10
      close(histogramQuantile(0.5, neg.le, neg.n), -0.15);
    });
    it('q=0.8 negative → 0.3', () => {
      // rank 24 > 20 → +Inf bucket → 0.3
      close(histogramQuantile(0.8, neg.le, neg.n), 0.3);
    });
  });

  it('interpolates linearly inside the bucket (hand-computed)', () => {
    // 100 observations: 10 ≤ 0.01, 50 ≤ 0.05, 90 ≤ 0.1, 100 ≤ 1
    const le = [0.01, 0.05, 0.1, 1, Infinity];
    const n = [10, 50, 90, 100, 100];
    // p50: rank 50 = the end of (0.01, 0.05] → 0.05
    close(histogramQuantile(0.5, le, n), 0.05);
    // p95: rank 95 → (0.1, 1], 10 in it, 5 past its start: 0.1 + 0.9 × 0.5 = 0.55
    close(histogramQuantile(0.95, le, n), 0.55);
    // p99: 0.1 + 0.9 × 9/10 = 0.91
    close(histogramQuantile(0.99, le, n), 0.91);
    // p5: rank 5 in [0, 0.01]: 0.01 × 5/10 = 0.005
    close(histogramQuantile(0.05, le, n), 0.005);
  });

  it('gives NaN (a gap) without observations, without a +Inf bucket, or with one bucket', () => {
    assert.ok(Number.isNaN(histogramQuantile(0.5, [0.1, Infinity], [0, 0])));
    assert.ok(Number.isNaN(histogramQuantile(0.5, [0.1, 1], [3, 5])));
    assert.ok(Number.isNaN(histogramQuantile(0.5, [Infinity], [5])));
    assert.ok(Number.isNaN(histogramQuantile(NaN, [0.1, Infinity], [1, 1])));
  });

  it('gives -Inf below q=0 and +Inf above q=1, as Prometheus does', () => {
    assert.equal(histogramQuantile(-0.1, [0.1, Infinity], [1, 1]), -Infinity);
    assert.equal(histogramQuantile(1.1, [0.1, Infinity], [1, 1]), Infinity);
  });

  it('forces non-monotonic counts monotonic before searching', () => {
    // 0.2's count dipped below 0.1's (a racy exporter): treated as 6, so p50 stays in the first bucket
    close(histogramQuantile(0.5, [0.1, 0.2, Infinity], [6, 5, 10]), 0.1 * (5 / 6));
  });
});

describe('histogramQuantile stays compiled (issue 20)', () => {
  /** The search and interpolation before every step ran on every call: the oracle. */
  function before(q: number, upperBounds: ArrayLike<number>, cumulativeCounts: ArrayLike<number>): number {
    if (Number.isNaN(q)) return NaN;
    if (q < 0) return -Infinity;
    if (q > 1) return Infinity;
    const n = Math.min(upperBounds.length, cumulativeCounts.length);
    if (n < 2 || upperBounds[n - 1] !== Infinity) return NaN;
    const counts = new Float64Array(n);
    let max = 0;
    for (let i = 0; i < n; i++) {
      const c = cumulativeCounts[i]!;
      max = c > max ? c : max;
      counts[i] = max;
    }
    const observations = counts[n - 1]!;
    if (!(observations > 0)) return NaN;
    let rank = q * observations;
    let b = 0;
    while (b < n - 1 && counts[b]! < rank) b++;
    if (b === n - 1) return upperBounds[n - 2]!;
    if (b === 0 && upperBounds[0]! <= 0) return upperBounds[0]!;
    let bucketStart = 0;
    const bucketEnd = upperBounds[b]!;
    let count = counts[b]!;
    if (b > 0) {
      bucketStart = upperBounds[b - 1]!;
      count -= counts[b - 1]!;
      rank -= counts[b - 1]!;
    }
    return bucketStart + (bucketEnd - bucketStart) * (rank / count);
  }

  it('gives what it gave before, bit for bit, over seeded histograms (negative, zero and empty buckets, dips, q at the ends)', () => {
    let x = 12345;
    const rnd = (): number => ((x = (x * 48271) % 2147483647), x / 2147483647);
    for (let run = 0; run < 3000; run++) {
      const n = 2 + Math.floor(rnd() * 6);
      const bounds: number[] = [];
      let bound = rnd() < 0.2 ? -1 - rnd() : rnd() < 0.2 ? 0 : rnd();
      for (let i = 0; i < n - 1; i++) {
        bounds.push(bound);
        bound += rnd() < 0.1 ? 0 : rnd() * 2;
      }
      bounds.push(Infinity);
      const counts: number[] = [];
      let c = rnd() < 0.3 ? 0 : Math.floor(rnd() * 5);
      for (let i = 0; i < n; i++) {
        counts.push(rnd() < 0.05 ? c - 1 : c);
        c += rnd() < 0.4 ? 0 : Math.floor(rnd() * 10) + rnd();
      }
      const q = [0, 1, 0.5, 0.95, 0.99, rnd()][run % 6]!;
      assert.ok(Object.is(histogramQuantile(q, bounds, counts), before(q, bounds, counts)), `run ${run}: q ${q}, ${bounds}, ${counts}`);
    }
  });

  it('optimised while every rank falls in the lowest bucket, it is still the optimised code when a rank first falls higher', () => {
    const out = runWithNatives(`
      const { histogramQuantile: f } = ${requireOf(require.resolve('../../../src/core/scrape/histogramQuantile'))};
      %PrepareFunctionForOptimization(f);
      const bounds = new Float64Array([0.1, 0.5, 1, Infinity]);
      const scratch = new Float64Array(8);
      for (let i = 0; i < 100; i++) f(0.5, bounds, new Float64Array([5 + i, 5 + i, 5 + i, 5 + i]), scratch);
      %OptimizeFunctionOnNextCall(f);
      f(0.95, bounds, new Float64Array([5, 5, 5, 5]), scratch);
      const optimised = %GetOptimizationStatus(f);
      const v = [f(0.5, bounds, new Float64Array([1, 3, 9, 10]), scratch), f(0.99, bounds, new Float64Array([1, 3, 9, 12]), scratch)];
      console.log(JSON.stringify({ optimised, after: %GetOptimizationStatus(f), v }));
    `);
    const { optimised, after, v } = JSON.parse(out) as { optimised: number; after: number; v: number[] };
    assert.ok((optimised & TURBOFANNED) !== 0, 'optimised first');
    assert.ok((after & TURBOFANNED) !== 0, 'still optimised after ranks in higher buckets and in +Inf');
    assert.deepEqual(v, [0.5 + 0.5 * (2 / 6), 1]);
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);
});
