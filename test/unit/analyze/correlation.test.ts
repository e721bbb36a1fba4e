import * as assert from 'node:assert/strict';
import { alignNearest, correlate, pearson, typicalIntervalMs } from '../../../src/core/analyze/correlation';
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
});
