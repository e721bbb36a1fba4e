import * as assert from 'node:assert/strict';
import path from 'node:path';
import { TrailingMedianMad, detectAnomalies, detectorFor, ewmaScores, robustScores } from '../../../src/core/analyze/anomaly';
import { CHILD_NODE_TEST_TIMEOUT_MS, runWithNatives } from '../helpers/v8Natives';
import { gaussian, injectDrift, injectShift, injectSpike, line, matchIntervals, mulberry32, noise } from './synthetic';

/**
 * Matching rule (interval level): a detected interval is a true positive when it
 * overlaps an injected interval extended by a grace period after its end (robust:
 * 5 samples; EWMA: 60 samples = 3/α, the time its mean takes to settle back).
 * Precision = true-positive detections / detections; recall = injected intervals hit
 * by at least one detection / injected intervals.
 */
describe('anomaly', () => {
  describe('robust z-score on spiky series', () => {
    it('finds injected spikes, dips and short level shifts with ≥ 0.9 precision and recall', () => {
      let detections = 0;
      let tp = 0;
      let truths = 0;
      let hit = 0;
      for (let seed = 1; seed <= 5; seed++) {
        const s = noise(4000, 50, 5, seed * 7);
        for (let k = 0; k < 12; k++) injectSpike(s, 150 + k * 300, (k % 2 ? -1 : 1) * 40);
        for (let k = 0; k < 6; k++) injectShift(s, 300 + k * 600, 20, 40);
        const found = detectAnomalies('cpu', 'process_cpu_usage_percent', s.times, s.values);
        const m = matchIntervals(found, s.truth, s.times, 5);
        detections += found.length;
        tp += found.length - m.falsePositives;
        truths += s.truth.length;
        hit += s.truth.length - m.missed.length;
      }
      assert.ok(tp / detections >= 0.9, `precision ${tp}/${detections}`);
      assert.ok(hit / truths >= 0.9, `recall ${hit}/${truths}`);
    });

    it('gives each interval its peak, direction and method', () => {
      const s = noise(600, 50, 2, 3);
      injectSpike(s, 300, 30);
      injectSpike(s, 450, -30);
      const found = detectAnomalies('k', 'chat_message_latency_seconds_p95', s.times, s.values);
      assert.equal(found.length, 2);
      assert.equal(found[0]!.direction, 'high');
      assert.equal(found[0]!.startMs, s.times[300]);
      assert.equal(found[0]!.peakValue, s.values[300]);
      assert.ok(found[0]!.peakScore > 5);
      assert.equal(found[1]!.direction, 'low');
      assert.equal(found[1]!.method, 'robust-z');
      assert.equal(found[1]!.series, 'k');
    });

    it('stays under 0.5 false intervals per 1,000 samples of pure Gaussian noise (stated rate)', () => {
      let n = 0;
      let found = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const s = noise(2000, 50, 5, seed);
        found += detectAnomalies('x', 'process_cpu_usage_percent', s.times, s.values).length;
        n += 2000;
      }
      assert.ok((found / n) * 1000 <= 0.5, `${found} false intervals in ${n} samples`);
    });

    it('does not divide by zero or storm on a flat series (MAD = 0), and still sees a step off it', () => {
      const flat = line(500, 5, 0);
      const scores = robustScores(flat.values);
      assert.ok([...scores].every((z) => Number.isNaN(z) || z === 0));
      assert.equal(detectAnomalies('f', 'process_cpu_usage_percent', flat.times, flat.values).length, 0);
      injectSpike(flat, 250, 10);
      const found = detectAnomalies('f', 'process_cpu_usage_percent', flat.times, flat.values);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.startMs, flat.times[250]);
    });

    it('falls back to the mean absolute deviation when most of the window is one value', () => {
      const s = line(300, 0, 0);
      for (let i = 0; i < 300; i += 5) s.values[i] = 1; // 20% ones: MAD = 0, mean AD > 0
      const scores = robustScores(s.values);
      assert.ok([...scores].every((z) => Number.isNaN(z) || Number.isFinite(z)));
      assert.equal(detectAnomalies('x', 'process_cpu_usage_percent', s.times, s.values).length, 0);
    });

    it('scores nothing during the warm-up', () => {
      const s = noise(100, 50, 1, 5);
      s.values[5] = 500;
      const scores = robustScores(s.values, { warmupSamples: 20 });
      assert.ok(Number.isNaN(scores[5]!));
      assert.ok(Number.isFinite(scores[20]!));
    });

    it('buckets a day of 1 Hz samples and still finds a 30-second burst', () => {
      const s = noise(86_400, 20, 3, 9);
      for (let i = 50_000; i < 50_030; i++) s.values[i] = 95;
      const found = detectAnomalies('c', 'process_cpu_usage_percent', s.times, s.values);
      assert.ok(found.some((a) => a.startMs <= s.times[50_029]! && a.endMs >= s.times[50_000]! && a.direction === 'high'));
      assert.ok(found.length <= 3, `${found.length} intervals`);
    });
  });

  describe('EWMA on slow series', () => {
    it('finds level shifts and slow drifts with ≥ 0.9 precision and recall', () => {
      let detections = 0;
      let tp = 0;
      let truths = 0;
      let hit = 0;
      for (let seed = 1; seed <= 5; seed++) {
        const s = noise(6000, 100e6, 1e6, seed * 13);
        for (let k = 0; k < 5; k++) injectShift(s, 300 + k * 1100, 150, 8e6);
        for (let k = 0; k < 5; k++) injectDrift(s, 850 + k * 1100, 200, 0.08e6);
        const found = detectAnomalies('rss', 'process_resident_memory_bytes', s.times, s.values);
        assert.ok(found.every((a) => a.method === 'ewma'));
        const m = matchIntervals(found, s.truth, s.times, 60);
        detections += found.length;
        tp += found.length - m.falsePositives;
        truths += s.truth.length;
        hit += s.truth.length - m.missed.length;
      }
      assert.ok(tp / detections >= 0.9, `precision ${tp}/${detections}`);
      assert.ok(hit / truths >= 0.9, `recall ${hit}/${truths}`);
    });

    it('keeps flagging a drift that never stops (σ is not inflated by it)', () => {
      // The mean lags a drift of s per sample by s/α, so drifts steeper than
      // 3.5·α·σ = 0.175σ per sample are flagged; this one is 0.3σ.
      const s = noise(1200, 100e6, 0.5e6, 4);
      injectDrift(s, 300, 900, 0.15e6);
      const scores = ewmaScores(s.values);
      const tail = [...scores.subarray(900, 1200)];
      const flagged = tail.filter((z) => z > 3.5).length;
      assert.ok(flagged / tail.length >= 0.9, `${flagged} of ${tail.length} flagged at the end of the drift`);
    });

    it('stays under 0.5 false intervals per 1,000 samples of pure noise (stated rate)', () => {
      let found = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const s = noise(2000, 100e6, 1e6, seed);
        found += detectAnomalies('x', 'process_resident_memory_bytes', s.times, s.values).length;
      }
      assert.ok((found / 40_000) * 1000 <= 0.5, `${found} false intervals`);
    });

    it('does not storm on a flat memory line', () => {
      const s = line(1000, 64e6, 0);
      assert.equal(detectAnomalies('x', 'process_resident_memory_bytes', s.times, s.values).length, 0);
    });
  });

  it('chooses the detector by name and skips counters and constants', () => {
    assert.equal(detectorFor('process_resident_memory_bytes'), 'ewma');
    assert.equal(detectorFor('process_open_fds'), 'ewma');
    assert.equal(detectorFor('process_cpu_usage_percent'), 'robust');
    assert.equal(detectorFor('chat_messages_per_second'), 'robust');
    assert.equal(detectorFor('system_network_receive_bytes_per_second'), 'robust');
    assert.equal(detectorFor('target_restarts_total'), 'none');
    assert.equal(detectorFor('process_uptime_seconds'), 'none');
    assert.equal(detectorFor('some_unknown_gauge'), 'robust');
  });

  it('ignores NaN and Infinity without throwing', () => {
    const s = noise(300, 10, 1, 2);
    s.values[100] = NaN;
    s.values[101] = Infinity;
    const found = detectAnomalies('x', 'process_cpu_usage_percent', s.times, s.values);
    assert.ok(found.every((a) => Number.isFinite(a.peakValue)));
    assert.deepEqual(detectAnomalies('x', 'x', [], []), []);
  });

  it('robust scores equal a rolling median and MAD recomputed by sorting each window', () => {
    const g = gaussian(mulberry32(4));
    const w = 60;
    // Noise, integer-valued noise (MAD 0: the mean-absolute-deviation fallback), jumps,
    // and a start whose smallest deviations all lie below the median (11 lows, 10 highs).
    const gens = [
      () => 10 + 2 * g(),
      () => Math.round(50 + 0.4 * g()),
      (i: number) => (i % 200 < 100 ? 5 : 90) + g(),
      (i: number) => (i < 21 ? (i % 2 === 0 ? 5 : 100) + 0.001 * i : 10 + 2 * g()),
    ];
    for (const gen of gens) {
      const values = Float64Array.from({ length: 700 }, (_, i) => gen(i));
      for (const k of [37, 38]) values[k] = NaN;
      const scores = robustScores(values, { windowSamples: w });
      const finite: number[] = [];
      for (let i = 0; i < values.length; i++) {
        const x = values[i]!;
        if (!Number.isFinite(x)) continue;
        const win = finite.slice(-w).sort((a, b) => a - b);
        if (win.length >= 20) {
          const mid = win.length >> 1;
          const median = win.length % 2 ? win[mid]! : (win[mid - 1]! + win[mid]!) / 2;
          const dev = win.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
          const mad = dev.length % 2 ? dev[mid]! : (dev[mid - 1]! + dev[mid]!) / 2;
          const sigma = Math.max(mad > 0 ? mad / 0.6745 : (dev.reduce((s, d) => s + d, 0) / dev.length) * 1.2533141373155, 0.01 * Math.abs(median), 1e-12);
          const want = (x - median) / sigma;
          assert.ok(Math.abs(scores[i]! - want) <= 1e-9 * Math.max(1, Math.abs(want)), `sample ${i}: ${scores[i]} vs ${want}`);
        } else {
          assert.ok(Number.isNaN(scores[i]!), `sample ${i} is still warming up`);
        }
        finite.push(x);
      }
    }
  });

  it("the trailing σ of a flat or quantised window skips the values equal to the median, with the whole window's sum to the last bit (issue 20)", () => {
    const rnd = mulberry32(3);
    const g = gaussian(rnd);
    const streams: readonly (readonly [string, () => number])[] = [
      ['flat', () => 7],
      ['quantised', () => [3, 3, 3, 4, 2][Math.floor(rnd() * 5)]!],
      ['mostly flat, rare jumps', () => (rnd() < 0.1 ? 100 * rnd() : 0.25)],
      ['noise', () => g()],
    ];
    for (const [name, draw] of streams) {
      const w = new TrailingMedianMad(64);
      const kept: number[] = [];
      let fallbacks = 0;
      for (let i = 0; i < 2000; i++) {
        const x = draw();
        w.push(x);
        kept.push(x);
        if (kept.length > 64) kept.shift();
        const sorted = kept.slice().sort((p, q) => p - q);
        const median = w.median();
        const deviations = sorted.map((v) => Math.abs(v - median)).sort((p, q) => p - q);
        const m = deviations.length;
        const mad = m % 2 === 1 ? deviations[m >> 1]! : (deviations[(m >> 1) - 1]! + deviations[m >> 1]!) / 2;
        let sumAbs = 0;
        for (const v of sorted) sumAbs += Math.abs(v - median);
        const before = w.deviationsSummed;
        const sigma = w.sigma(median);
        if (mad === 0) {
          fallbacks++;
          assert.ok(Object.is(sigma, (sumAbs / m) * 1.2533141373155), `${name} at ${i}`);
          assert.equal(w.deviationsSummed - before, sorted.filter((v) => v !== median).length, `${name} at ${i}: only the values off the median`);
        }
      }
      if (name !== 'noise') assert.ok(fallbacks > 1000, `${name}: ${fallbacks}`);
    }
  });
  it("the MAD's optimised code survives a window first seen late: a flat series with one low value (issue 20)", () => {
    // V8 compiled madOfSorted (and `learn`, which inlines it) from windows of 20–64 values
    // with a spread, and a flat window with one dip — a branch with ±∞ never run — threw
    // the code away ~20 s into a monitor's life. Checked with V8's own status bits in a
    // process of its own (bit 4: optimised).
    const script = `
      const { madOfSorted } = require(${JSON.stringify(path.join(__dirname, '../../../src/core/analyze/anomaly.js'))});
      const spread = Float64Array.from({ length: 64 }, (_, i) => i * 1.5);
      const med = (a, n) => (n % 2 ? a[n >> 1] : (a[(n >> 1) - 1] + a[n >> 1]) / 2);
      %PrepareFunctionForOptimization(madOfSorted);
      for (let n = 20; n <= 64; n++) madOfSorted(spread, n, med(spread, n));
      %OptimizeFunctionOnNextCall(madOfSorted);
      madOfSorted(spread, 63, med(spread, 63));
      const before = %GetOptimizationStatus(madOfSorted);
      const mad = madOfSorted(Float64Array.from([1, 3, 3, 3, 3, 3, 3, 3]), 8, 3);
      console.log(JSON.stringify({ before, after: %GetOptimizationStatus(madOfSorted), mad }));`;
    const out = JSON.parse(runWithNatives(script)) as { before: number; after: number; mad: number };
    assert.equal(out.mad, 0, 'the MAD of a window that is mostly one value');
    assert.ok((out.before & 16) !== 0, `optimised first (status ${out.before.toString(2)})`);
    assert.ok((out.after & 16) !== 0, `still optimised (status ${out.after.toString(2)})`);
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);
});
