import * as assert from 'node:assert/strict';
import { linearTrend, tCritical99, trendValueAt } from '../../../src/core/analyze/trend';
import { line, noise, T0 } from './synthetic';

describe('trend', () => {
  it('recovers slope and intercept of an exact line to 1e-9, with R² = 1 and rising', () => {
    const s = line(600, 104_857_600, 3_145_728); // 100 MB + 3 MB/min, epoch-ms times
    const t = linearTrend(s.times, s.values);
    assert.ok(Math.abs(t.slopePerMinute - 3_145_728) / 3_145_728 < 1e-9, String(t.slopePerMinute));
    assert.ok(Math.abs(t.intercept - 104_857_600) / 104_857_600 < 1e-9);
    assert.ok(Math.abs(t.r2 - 1) < 1e-9);
    assert.equal(t.n, 600);
    assert.equal(t.direction, 'rising');
    assert.ok(Math.abs(trendValueAt(t, T0 + 60_000) - (104_857_600 + 3_145_728)) < 1e-3);
  });

  it('is exact on a falling line with a small slope and uneven spacing', () => {
    const times = [0, 7_000, 8_000, 30_000, 61_000, 125_000].map((x) => T0 + x);
    const values = times.map((t) => 42.5 - 0.125 * ((t - T0) / 60_000));
    const t = linearTrend(times, values);
    assert.ok(Math.abs(t.slopePerMinute + 0.125) < 1e-9);
    assert.ok(Math.abs(t.intercept - 42.5) < 1e-9);
    assert.equal(t.direction, 'falling');
  });

  it('matches a hand computation of slope, R² and t on a small noisy set', () => {
    // x = 0..4 min, y = 1,3,2,5,4: slope 0.8, intercept 1.4, R² 0.64, t = 0.8/√(3.6/3/10) ≈ 2.309
    const times = [0, 1, 2, 3, 4].map((m) => T0 + m * 60_000);
    const t = linearTrend(times, [1, 3, 2, 5, 4]);
    assert.ok(Math.abs(t.slopePerMinute - 0.8) < 1e-12);
    assert.ok(Math.abs(t.intercept - 1.4) < 1e-12);
    assert.ok(Math.abs(t.r2 - 0.64) < 1e-12);
    assert.ok(Math.abs(t.tStat - 0.8 / Math.sqrt(0.12)) < 1e-9);
    // 2.309 < t(0.995, 3) = 5.841: not significant, so flat.
    assert.equal(t.significant, false);
    assert.equal(t.direction, 'flat');
  });

  it('finds a noisy ramp significant', () => {
    const s = line(600, 50, 1, 1000, 1, 3); // +1/min, σ = 1, 10 minutes
    const t = linearTrend(s.times, s.values);
    assert.equal(t.direction, 'rising');
    assert.ok(Math.abs(t.slopePerMinute - 1) < 0.1);
  });

  it('calls pure noise flat (at most 1 of 40 seeds)', () => {
    let significant = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const s = noise(900, 50, 5, seed);
      if (linearTrend(s.times, s.values).significant) significant++;
    }
    assert.ok(significant <= 1, `${significant} noise series called significant`);
  });

  it('calls a constant series flat with R² 0 and no division by zero', () => {
    const s = line(100, 7, 0);
    const t = linearTrend(s.times, s.values);
    assert.equal(t.direction, 'flat');
    assert.equal(t.r2, 0);
    assert.equal(t.slopePerMinute, 0);
  });

  it('handles empty, single, same-instant and non-finite input without throwing', () => {
    assert.equal(linearTrend([], []).n, 0);
    assert.equal(linearTrend([T0], [1]).direction, 'flat');
    assert.equal(linearTrend([T0, T0, T0], [1, 2, 3]).direction, 'flat');
    const t = linearTrend([T0, T0 + 60_000, T0 + 120_000, T0 + 180_000, T0 + 240_000, T0 + 300_000], [0, NaN, 2, Infinity, 4, 5]);
    assert.equal(t.n, 4);
    assert.ok(Math.abs(t.slopePerMinute - 1) < 1e-12);
  });

  it('uses the Student-t table and its large-df expansion', () => {
    assert.equal(tCritical99(3), 5.841);
    assert.ok(Math.abs(tCritical99(120) - 2.617) < 0.002);
    assert.ok(Math.abs(tCritical99(1e6) - 2.5758) < 1e-3);
  });
});
