import * as assert from 'node:assert/strict';
import { counterIncrease, quantile, quantileSorted, rateSeries, summarize } from '../../../src/core/analyze/stats';
import { gaussian, mulberry32 } from './synthetic';

/** numpy.percentile(..., method='linear') by the book: sort, then interpolate. */
function referenceQuantile(values: number[], p: number): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
}

describe('stats', () => {
  describe('summarize', () => {
    it('matches numpy linear percentiles on a small known set', () => {
      const s = summarize([4, 1, 3, 2]);
      assert.equal(s.count, 4);
      assert.equal(s.median, 2.5);
      assert.ok(Math.abs(s.p95 - 3.85) < 1e-12); // numpy.percentile([1,2,3,4], 95) == 3.85
      assert.ok(Math.abs(s.p99 - 3.97) < 1e-12);
      assert.equal(s.min, 1);
      assert.equal(s.max, 4);
      assert.equal(s.mean, 2.5);
    });

    it('uses the sample standard deviation (n - 1)', () => {
      const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
      assert.ok(Math.abs(s.stdDev - Math.sqrt(32 / 7)) < 1e-12);
      assert.equal(summarize([7]).stdDev, 0);
    });

    it('agrees with a sort-based reference on random data of many sizes, with ties', () => {
      const g = gaussian(mulberry32(7));
      for (const n of [1, 2, 3, 10, 101, 1000, 4097]) {
        const values = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 5 : Math.round(g() * 100) / 10));
        const s = summarize(values);
        for (const [p, got] of [[0.5, s.median], [0.95, s.p95], [0.99, s.p99]] as const) {
          assert.ok(Math.abs(got - referenceQuantile(values, p)) < 1e-12, `n=${n} p=${p}: ${got}`);
        }
      }
    });

    it('skips and counts NaN and Infinity instead of averaging them in', () => {
      const s = summarize([1, NaN, 3, Infinity, -Infinity, 2]);
      assert.equal(s.count, 3);
      assert.equal(s.invalidCount, 3);
      assert.equal(s.mean, 2);
      assert.equal(s.max, 3);
    });

    it('returns NaN figures, not an exception, for an empty or all-invalid window', () => {
      for (const v of [[], [NaN, NaN]]) {
        const s = summarize(v);
        assert.equal(s.count, 0);
        assert.ok(Number.isNaN(s.mean) && Number.isNaN(s.p99));
      }
    });

    it('does not modify its input', () => {
      const input = Float64Array.from([5, 3, 9, 1, 7]);
      summarize(input);
      assert.deepEqual([...input], [5, 3, 9, 1, 7]);
    });

    it('stays exact on a sorted and a reversed ramp (quickselect worst cases for naive pivots)', () => {
      const up = Array.from({ length: 10_001 }, (_, i) => i);
      const s1 = summarize(up);
      const s2 = summarize([...up].reverse());
      assert.equal(s1.median, 5000);
      assert.equal(s2.p95, 9500);
      assert.equal(s1.p99, 9900);
    });

    it('selects exactly on long inputs of every shape (the sampled Floyd–Rivest path beyond 600 values)', () => {
      const g = gaussian(mulberry32(21));
      const n = 20_001;
      const shapes: Record<string, (i: number) => number> = {
        noise: () => g(),
        ties: () => Math.round(2 * g()) + 0, // + 0: no -0, which sorts apart from 0
        twoValues: (i) => i % 2,
        constant: () => 7,
        organPipe: (i) => Math.min(i, n - i),
        sawtooth: (i) => i % 100,
        spikes: (i) => (i % 997 === 0 ? 1e6 : 1),
      };
      for (const [name, gen] of Object.entries(shapes)) {
        for (const len of [n, n - 1, 601, 2_000]) {
          const values = Float64Array.from({ length: len }, (_, i) => gen(i));
          const sorted = Float64Array.from(values).sort();
          const s = summarize(values);
          assert.equal(s.median, quantileSorted(sorted, 0.5), `${name} ${len} median`);
          assert.equal(s.p95, quantileSorted(sorted, 0.95), `${name} ${len} p95`);
          assert.equal(s.p99, quantileSorted(sorted, 0.99), `${name} ${len} p99`);
          assert.equal(quantile(values, 0.25), quantileSorted(sorted, 0.25), `${name} ${len} p25`);
        }
      }
    });
  });

  it('quantileSorted and quantile follow the same method', () => {
    assert.equal(quantileSorted([10, 20, 30], 0.25), 15);
    assert.equal(quantile([30, NaN, 10, 20], 0.25), 15);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });

  describe('rateSeries', () => {
    it('divides by elapsed time, not by the number of samples', () => {
      const r = rateSeries([0, 1000, 3000], [0, 10, 30]);
      assert.deepEqual([...r.values], [10, 10]);
      assert.deepEqual([...r.times], [1000, 3000]);
    });

    it('treats a decrease as a counter reset and never returns a negative rate', () => {
      const r = rateSeries([0, 1000, 2000, 3000, 4000], [0, 10, 20, 5, 15]);
      assert.deepEqual([...r.values], [10, 10, 5, 10]);
      assert.equal(r.resets, 1);
      assert.deepEqual(counterIncrease([0, 10, 20, 5, 15]), { increase: 35, resets: 1 });
    });

    it('skips non-finite values and repeated timestamps', () => {
      const r = rateSeries([0, 1000, 1000, 2000, 3000], [0, 5, 6, NaN, 15]);
      assert.deepEqual([...r.values], [5, 5]);
    });

    it('returns an empty series for fewer than two samples', () => {
      assert.equal(rateSeries([], []).values.length, 0);
      assert.equal(rateSeries([1], [1]).values.length, 0);
    });
  });
});
