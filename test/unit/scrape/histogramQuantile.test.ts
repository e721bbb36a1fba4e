import * as assert from 'node:assert/strict';
import { histogramQuantile } from '../../../src/core/scrape/histogramQuantile';

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
