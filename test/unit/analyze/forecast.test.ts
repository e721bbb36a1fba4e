import * as assert from 'node:assert/strict';
import { Forecast, ForecastTracker, forecastTimeToLimit, roundEtaMs } from '../../../src/core/analyze/forecast';
import { line, noise } from './synthetic';

const MB = 1024 * 1024;

describe('forecast', () => {
  it('predicts time to limit within 10% on a noisy linear ramp', () => {
    // 100 MB + 2 MB/min, σ = 1 MB, 20 minutes at 1 Hz; the fit uses the last 10 min.
    const s = line(1200, 100 * MB, 2 * MB, 1000, MB, 21);
    const f = forecastTimeToLimit('rss', 'memory', s.times, s.values, 512 * MB, 'the 512 MB limit');
    assert.ok(f);
    const lastMin = (s.times[1199]! - s.times[0]!) / 60_000;
    const trueEtaMs = ((512 * MB - (100 * MB + 2 * MB * lastMin)) / (2 * MB)) * 60_000;
    assert.ok(Math.abs(f.etaMs - trueEtaMs) / trueEtaMs < 0.1, `${f.etaMs} vs ${trueEtaMs}`);
    assert.equal(f.reachAtMs, f.latestMs + f.etaMs);
    assert.equal(f.trend.n, 601); // the last 10 minutes inclusive
  });

  it('gives no forecast for a flat, falling or noisy series', () => {
    for (const s of [line(600, 100, 0), line(600, 100, -1), noise(600, 100, 3, 2)]) {
      assert.equal(forecastTimeToLimit('x', 'x', s.times, s.values, 200, 'l'), undefined);
    }
  });

  it('gives no forecast once the limit is already reached, nor for a bad limit', () => {
    const s = line(600, 100, 5);
    assert.equal(forecastTimeToLimit('x', 'x', s.times, s.values, 120, 'l'), undefined);
    assert.equal(forecastTimeToLimit('x', 'x', s.times, s.values, NaN, 'l'), undefined);
    assert.equal(forecastTimeToLimit('x', 'x', new Float64Array(0), new Float64Array(0), 10, 'l'), undefined);
  });

  it('rounds ETAs so the shown figure does not twitch', () => {
    assert.equal(roundEtaMs(20_000), 60_000);
    assert.equal(roundEtaMs(7.4 * 60_000), 7 * 60_000);
    assert.equal(roundEtaMs(12.4 * 60_000), 10 * 60_000);
    assert.equal(roundEtaMs(13 * 60_000), 15 * 60_000);
    assert.equal(roundEtaMs(130 * 60_000), 135 * 60_000);
    assert.equal(roundEtaMs(50 * 3_600_000 + 10 * 60_000), 50 * 3_600_000);
  });

  describe('ForecastTracker', () => {
    const s = line(600, 100, 1);
    const f = forecastTimeToLimit('x', 'x', s.times, s.values, 200, 'l') as Forecast;

    it('shows a forecast only after k consecutive evaluations and hides it after k absences', () => {
      const t = new ForecastTracker({ confirmations: 3 });
      assert.equal(t.update(f), undefined);
      assert.equal(t.update(f), undefined);
      assert.ok(t.update(f));
      assert.ok(t.update(undefined)); // one miss: still shown
      assert.ok(t.update(undefined));
      assert.ok(t.update(f)); // back: the absence count restarts
      assert.ok(t.update(undefined));
      assert.ok(t.update(undefined));
      assert.equal(t.update(undefined), undefined);
    });

    it('does not show a forecast that flickers in and out', () => {
      const t = new ForecastTracker({ confirmations: 3 });
      for (let i = 0; i < 10; i++) {
        assert.equal(t.update(i % 2 === 0 ? f : undefined), undefined);
      }
    });

    it('ignores forecasts beyond the horizon', () => {
      const t = new ForecastTracker({ confirmations: 1, horizonMs: 60_000 });
      assert.equal(t.update(f), undefined);
      assert.equal(t.current, undefined);
    });
  });
});
