import * as assert from 'node:assert/strict';
import { Forecast, ForecastTracker, forecastTimeToLimit, roundEtaMs } from '../../../src/core/analyze/forecast';
import { linearTrend } from '../../../src/core/analyze/trend';
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

  describe('only where it means something', () => {
    it('no forecast from samples spanning less than 2 minutes, however clean the line', () => {
      // 52 s of a clean rise: 9 samples 6.5 s apart, as the report of a 52-second-old server had.
      const s = line(9, 26, 0.01, 6_500, 0.0005, 3);
      assert.ok(s.times[8]! - s.times[0]! < 2 * 60_000);
      assert.equal(forecastTimeToLimit('disk', 'disk use', s.times, s.values, 100, 'a full disk (100%)'), undefined);
      // Even with the limit 3 minutes ahead (well within 48 spans): under 2 minutes is too short.
      const steep = line(9, 90, 2, 6_500, 0.0005, 3);
      assert.equal(forecastTimeToLimit('disk', 'disk use', steep.times, steep.values, 97, 'l'), undefined);
      // The same rise seen for 3 minutes, with the limit close: now it is a forecast.
      const long = line(180, 99, 0.2, 1000, 0.0005, 3);
      assert.ok(forecastTimeToLimit('disk', 'disk use', long.times, long.values, 100, 'a full disk (100%)'));
    });

    it('no forecast further ahead than 48 times the span of its samples', () => {
      // 10 minutes of +1/min towards a limit 900 away: 15 h ahead needs 18.75 min of samples.
      const far = line(600, 100, 1, 1000, 0.01, 4);
      assert.equal(forecastTimeToLimit('x', 'x', far.times, far.values, 1000, 'l'), undefined);
      // 400 away: 6.7 h ahead, within 48 × 10 min = 8 h.
      const f = forecastTimeToLimit('x', 'x', far.times, far.values, 510, 'l');
      assert.ok(f && f.etaMs > 6 * 3_600_000 && f.etaMs < 8 * 3_600_000, String(f?.etaMs));
    });

    it('no forecast for a series that did not rise beyond its noise', () => {
      // Significant by the t-test and R² (many samples) but the rise over the span is
      // under three standard deviations of the noise around the line.
      // +0.27/min for 10 min = 2.7 with σ = 1: R² ≈ 0.38, rising by the trend test.
      const s = line(600, 100, 0.27, 1000, 1, 5);
      assert.equal(linearTrend(s.times, s.values).direction, 'rising');
      assert.equal(forecastTimeToLimit('x', 'x', s.times, s.values, 110, 'l'), undefined);
      const clear = line(600, 100, 0.6, 1000, 1, 5);
      assert.ok(forecastTimeToLimit('x', 'x', clear.times, clear.values, 110, 'l'));
    });
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
