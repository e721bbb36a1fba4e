import * as assert from 'node:assert/strict';
import path from 'node:path';
import { alignNearest, correlate, pearson, typicalIntervalMs } from '../../../src/core/analyze/correlation';
import { CHILD_NODE_TEST_TIMEOUT_MS, runWithNatives } from '../helpers/v8Natives';
import { gaussian, mulberry32 } from './synthetic';

describe('correlation', () => {
  it('is 1 and -1 on exact linear relations', () => {
    assert.ok(Math.abs(pearson([1, 2, 3, 4], [3, 5, 7, 9]).r - 1) < 1e-12);
    assert.ok(Math.abs(pearson([1, 2, 3, 4], [4, 3, 2, 1]).r + 1) < 1e-12);
  });

  it('is NaN (not a division by zero) for a constant side or fewer than 3 pairs', () => {
    assert.ok(Number.isNaN(pearson([1, 2, 3], [5, 5, 5]).r));
    assert.ok(Number.isNaN(pearson([1, 2], [1, 2]).r));
  });

  it('pairs samples of two clocks within half an interval', () => {
    const at = Array.from({ length: 50 }, (_, i) => i * 1000);
    const bt = at.map((t) => t + 300); // the scrape lags the sampler by 300 ms
    const c = correlate('a', at, at.map((t) => t / 1000), 'b', bt, bt.map((t) => 2 * t), undefined);
    assert.equal(c.n, 50);
    assert.ok(Math.abs(c.r - 1) < 1e-12);
  });

  it('does not bridge a gap with a stale value', () => {
    const at = Array.from({ length: 60 }, (_, i) => i * 1000);
    const bt = at.filter((t) => t < 20_000 || t >= 40_000);
    const p = alignNearest(at, at, bt, bt);
    assert.equal(p.x.length, 40);
    assert.equal(typicalIntervalMs(bt), 1000);
  });

  it('is near zero for independent noise and high for a noisy linear relation', () => {
    const g = gaussian(mulberry32(11));
    const t = Array.from({ length: 600 }, (_, i) => i * 1000);
    const x = t.map(() => g());
    const y = t.map(() => g());
    assert.ok(Math.abs(correlate('x', t, x, 'y', t, y).r) < 0.15);
    const z = x.map((v) => 2 * v + 0.3 * g());
    assert.ok(correlate('x', t, x, 'z', t, z).r > 0.95);
  });

  it('series on the same ticks give what pairing by nearest time gives, gaps and odd clocks included', () => {
    const g = gaussian(mulberry32(8));
    const t = Array.from({ length: 3000 }, (_, i) => 1000 * i);
    const x = t.map((_, i) => (i % 101 === 3 ? NaN : g()));
    const y = x.map((v, i) => (Number.isFinite(v) ? v : 0) + 0.5 * g() + (i % 7));
    const viaPairs = (bt: number[], by: number[], tol?: number) => {
      const p = alignNearest(t, x, bt, by, tol);
      return { a: 'x', b: 'y', ...pearson(p.x, p.y) };
    };
    // Same clock, gaps in a only: the shortcut.
    assert.deepEqual(correlate('x', t, x, 'y', t, y), viaPairs(t, y));
    // A gap in b, a repeated time, a shorter b, a negative tolerance: the general path.
    const yGap = y.map((v, i) => (i === 500 ? NaN : v));
    assert.deepEqual(correlate('x', t, x, 'y', t, yGap), viaPairs(t, yGap));
    const tDup = t.map((v, i) => (i === 900 ? t[899]! : v));
    assert.deepEqual(correlate('x', t, x, 'y', tDup, y), viaPairs(tDup, y));
    assert.deepEqual(correlate('x', t, x, 'y', t.slice(0, 2000), y.slice(0, 2000)), viaPairs(t.slice(0, 2000), y.slice(0, 2000)));
    assert.deepEqual(correlate('x', t, x, 'y', t, y, -1), viaPairs(t, y, -1));
    // One sample of b: no typical interval, no pairs — not one pair.
    assert.equal(correlate('x', [0], [1], 'y', [0], [2]).n, 0);
  });

  it('series on the same ticks are correlated without sorting b\'s gaps for a tolerance they do not need (issue 20)', () => {
    const t = Float64Array.from({ length: 900 }, (_, i) => 1000 * i + (i % 3));
    const x = t.map((_, i) => Math.sin(i / 10));
    const y = t.map((_, i) => Math.cos(i / 7));
    const typedSort = Object.getPrototypeOf(Float64Array.prototype) as { sort: (...a: unknown[]) => unknown };
    const arraySort = Array.prototype.sort;
    const typedSortBefore = typedSort.sort;
    let sorts = 0;
    typedSort.sort = function (this: unknown, ...a: unknown[]) {
      sorts++;
      return typedSortBefore.apply(this, a);
    };
    Array.prototype.sort = function (this: unknown[], ...a: unknown[]) {
      sorts++;
      return arraySort.apply(this, a as [((p: unknown, q: unknown) => number)?]);
    } as typeof arraySort;
    let c;
    try {
      c = correlate('x', t, x, 'y', t, y);
    } finally {
      typedSort.sort = typedSortBefore;
      Array.prototype.sort = arraySort;
    }
    assert.equal(sorts, 0);
    const p = alignNearest(t, x, t, y);
    assert.deepEqual(c, { a: 'x', b: 'y', ...pearson(p.x, p.y) });
  });
  it('the typical interval stays compiled when a window first passes 513 samples (issue 20: checked with V8\'s status bits in a process of its own)', () => {
    // Compiled after windows of under 257 samples (a step of 1, integer gaps), it was
    // thrown away ("lost precision") the first time the step divided into fractions.
    const script = `
      const { typicalIntervalMs, correlate } = require(${JSON.stringify(path.join(__dirname, '../../../src/core/analyze/correlation.js'))});
      correlate('a', [1, 2, 3], [1, 2, 3], 'b', [1, 2, 3], [3, 1, 2]);
      const small = Float64Array.from({ length: 200 }, (_, i) => 1_700_000_000_000 + i * 1000);
      %PrepareFunctionForOptimization(typicalIntervalMs);
      for (let i = 0; i < 5; i++) typicalIntervalMs(small);
      %OptimizeFunctionOnNextCall(typicalIntervalMs);
      typicalIntervalMs(small);
      const before = %GetOptimizationStatus(typicalIntervalMs);
      const t = typicalIntervalMs(Float64Array.from({ length: 900 }, (_, i) => 1_700_000_000_000 + i * 1000 + (i % 3)));
      console.log(JSON.stringify({ before, after: %GetOptimizationStatus(typicalIntervalMs), t }));`;
    const out = JSON.parse(runWithNatives(script)) as { before: number; after: number; t: number };
    assert.ok(out.t > 999 && out.t < 1002, `typical interval ${out.t}`);
    assert.ok((out.before & 16) !== 0, `optimised first (status ${out.before.toString(2)})`);
    assert.ok((out.after & 16) !== 0, `still optimised (status ${out.after.toString(2)})`);
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);
});
