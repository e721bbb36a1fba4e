import * as assert from 'node:assert/strict';
import path from 'node:path';
import { DEFAULT_ANOMALY_THRESHOLD, StreamingAnomalyDetector, TailCalibrator, surprise, thresholdFor } from '../../../src/core/analyze/streaming';
import { CHILD_NODE_TEST_TIMEOUT_MS, runWithNatives } from '../helpers/v8Natives';
import { gaussian, mulberry32 } from './synthetic';
import * as liveModule from '../../../src/core/analyze/liveDetectors';
import * as streamingModule from '../../../src/core/analyze/streaming';

/** New copies of the detector modules, as a new process loads them (their warm-ups not yet run). */
function freshModules(): { streaming: typeof streamingModule; live: typeof liveModule } {
  const paths = [require.resolve('../../../src/core/analyze/liveDetectors'), require.resolve('../../../src/core/analyze/streaming')];
  const saved = paths.map((p) => require.cache[p]);
  for (const p of paths) delete require.cache[p];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const streaming = require('../../../src/core/analyze/streaming') as typeof streamingModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const live = require('../../../src/core/analyze/liveDetectors') as typeof liveModule;
    return { streaming, live };
  } finally {
    paths.forEach((p, i) => (require.cache[p] = saved[i]));
  }
}

const T0 = Date.UTC(2026, 0, 5);

/** Runs a detector over values at a fixed interval; returns each sample's score. */
function scoresOf(values: readonly number[], intervalMs = 1000, t0 = T0): number[] {
  const d = new StreamingAnomalyDetector();
  return values.map((v, i) => d.update(t0 + i * intervalMs, v).score);
}

function flagged(scores: readonly number[], from = 0, to = scores.length): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) if (scores[i]! >= DEFAULT_ANOMALY_THRESHOLD) out.push(i);
  return out;
}

function noisy(n: number, level: number, sigma: number, seed: number): number[] {
  const g = gaussian(mulberry32(seed));
  return Array.from({ length: n }, () => level + sigma * g());
}

describe('streaming anomaly detector', () => {
  it('calibration: on its own history, P ≤ 1% happens about 1% of the time (heavy tails too)', () => {
    const rnd = mulberry32(4);
    for (const draw of [() => Math.abs(gaussian(rnd)()), () => (-Math.log(rnd())) ** 2]) {
      const c = new TailCalibrator();
      let below = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) if (c.update(draw()) <= 0.01) below++;
      assert.ok(below / n > 0.004 && below / n < 0.02, `share ${below / n}`);
    }
  });

  it('surprise and sensitivities: −log10 p / 10; low is stricter than medium, high looser', () => {
    assert.equal(surprise(1e-5), 0.5);
    assert.equal(surprise(0), 1);
    assert.equal(surprise(1), 0);
    assert.ok(thresholdFor('low') > thresholdFor('medium') && thresholdFor('medium') > thresholdFor('high'));
    assert.equal(thresholdFor('medium'), DEFAULT_ANOMALY_THRESHOLD);
  });

  it('a steady 10-minute run at 1 Hz (noisy CPU, quantised fds, a flat gauge) flags nothing', () => {
    const rnd = mulberry32(11);
    const cpu = noisy(600, 12, 2, 3).map((v) => Math.max(0, v + (rnd() < 0.05 ? 4 * rnd() : 0)));
    const fds = Array.from({ length: 600 }, () => 24 + (rnd() < 0.1 ? 1 : 0));
    const flat = Array.from({ length: 600 }, () => 1);
    for (const [name, series] of [['cpu', cpu], ['fds', fds], ['flat', flat]] as const) {
      assert.deepEqual(flagged(scoresOf(series)), [], name);
    }
  });

  it('a flat or quantised series (MAD 0) is not an anomaly on every step; a real jump still is', () => {
    const rnd = mulberry32(5);
    const steps = Array.from({ length: 3000 }, () => 100 + (rnd() < 0.2 ? 1 : 0));
    steps[2500] = 140;
    const s = scoresOf(steps);
    assert.deepEqual(flagged(s, 0, 2500), []);
    assert.ok(s[2500]! >= DEFAULT_ANOMALY_THRESHOLD);
  });

  it('a spike is flagged on the spike; a level shift at its onset only, not on every sample while it lasts', () => {
    const v = noisy(3000, 50, 2, 7);
    v[1500] = 90;
    for (let i = 2200; i < 3000; i++) v[i] = v[i]! + 30;
    const s = scoresOf(v);
    assert.ok(s[1500]! >= DEFAULT_ANOMALY_THRESHOLD, `spike ${s[1500]}`);
    const onShift = flagged(s, 2200, 3000);
    assert.ok(onShift.length >= 1 && onShift[0]! <= 2202, `shift flags ${onShift.join(',')}`);
    assert.ok(onShift.length <= 5, `shift flagged ${onShift.length} times`);
    assert.ok(flagged(s, 400, 1500).length <= 1);
  });

  it('a daily pattern is learnt per quarter-hour (irregular 5-minute samples): day 7 is quiet, a break in the pattern on day 8 is not', () => {
    const rnd = mulberry32(9);
    const g = gaussian(rnd);
    const d = new StreamingAnomalyDetector();
    let t = T0;
    const day7: number[] = [];
    let breakScore = 0;
    while (t < T0 + 8 * 86_400_000) {
      const phase = ((t - T0) % 86_400_000) / 86_400_000;
      let v = 50 + 40 * Math.sin(2 * Math.PI * phase) + 2 * g();
      const inBreak = t >= T0 + 7 * 86_400_000 + 6 * 3_600_000 && t < T0 + 7 * 86_400_000 + 8 * 3_600_000;
      if (inBreak) v = 50 + 2 * g(); // the morning peak does not come
      const r = d.update(t, v);
      if (t >= T0 + 6 * 86_400_000 && t < T0 + 7 * 86_400_000) day7.push(r.score);
      if (inBreak) breakScore = Math.max(breakScore, r.score);
      t += 240_000 + Math.floor(rnd() * 120_000);
    }
    assert.deepEqual(flagged(day7), []);
    assert.ok(breakScore >= DEFAULT_ANOMALY_THRESHOLD, `break ${breakScore}`);
  });

  it('calibration scans only the bins that hold weight, with the probabilities of a scan of every bin to the last bit (issue 20)', () => {
    const rnd = mulberry32(11);
    const g = gaussian(rnd);
    const quantised = () => (rnd() < 0.002 ? 40 * rnd() : [0, 0.6745, 1.349][Math.floor(rnd() * 3)]!);
    const heavy = () => (-Math.log(rnd())) ** 2;
    for (const [draw, options] of [
      [quantised, {}],
      [heavy, {}],
      [() => g(), {}],
      // A weight that passes 1e200 within the run: the rescale too.
      [quantised, { decay: 0.5, warmup: 20, trustedAfter: 40 }],
    ] as const) {
      const c = new TailCalibrator(options);
      const ref = new EveryBinCalibrator(options);
      const n = 5000;
      for (let i = 0; i < n; i++) {
        const r = i % 997 === 5 ? NaN : draw();
        const got = c.update(r);
        const want = ref.update(r);
        assert.ok(Object.is(got, want), `update ${i}: ${got} vs ${want}`);
        if (i % 250 === 0) for (const p of [0.5, 0.05, 1e-3]) assert.ok(Object.is(c.rawFor(p), ref.rawFor(p)), `rawFor(${p}) at ${i}`);
      }
    }
    const q = new TailCalibrator();
    for (let i = 0; i < 5000; i++) q.update(quantised());
    assert.ok(q.binsFilled <= 12, `${q.binsFilled} bins filled`);
    // Three values and a few outliers: a scan every update reads a handful of bins, not the ~30–200 below the top one.
    assert.ok(q.binsScanned / 5000 <= 2 * q.binsFilled, `${q.binsScanned / 5000} bins a scan`);
  });

  it('the list of filled bins grows as bins fill, not all 200 up front: a calibrator of a quantised series keeps room for 8 (issue 11)', () => {
    const rnd = mulberry32(12);
    const q = new TailCalibrator();
    for (let i = 0; i < 5000; i++) q.update([0, 0.6745, 1.349][Math.floor(rnd() * 3)]!);
    assert.ok(q.binsFilled >= 1 && q.binsFilled <= 8, `${q.binsFilled} bins filled`);
    assert.equal(q.filledCapacity, 8);
    const wide = new TailCalibrator();
    for (let i = 0; i < 5000; i++) wide.update((-Math.log(rnd())) ** 2);
    assert.ok(wide.binsFilled > 8, `${wide.binsFilled} bins filled`);
    assert.ok(wide.filledCapacity >= wide.binsFilled && wide.filledCapacity < 2 * wide.binsFilled, `room ${wide.filledCapacity} for ${wide.binsFilled}`);
  });

  it('learn scores a sample as update does, without an object a sample: the level, then the score and direction until the next (issue 20)', () => {
    const g = gaussian(mulberry32(21));
    const values = Array.from({ length: 3000 }, (_, i) => (i === 1700 ? 60 : i === 2400 ? -40 : i % 500 === 7 ? NaN : 10 + g() + (i > 2000 ? 8 : 0)));
    const a = new StreamingAnomalyDetector();
    const b = new StreamingAnomalyDetector();
    let onsets = 0;
    values.forEach((v, i) => {
      const t = T0 + i * 1000;
      const r = a.update(t, v);
      const level = b.learn(t, v);
      assert.equal(typeof level, 'number');
      assert.ok(Object.is(level, r.level) && Object.is(b.lastScore, r.score) && b.lastDirection === r.direction, `sample ${i}`);
      if (r.score >= DEFAULT_ANOMALY_THRESHOLD) onsets++;
    });
    assert.ok(onsets >= 2, `${onsets} onsets`);
  });

  it('the first detector and LiveDetectors of a process, which warm the code up on throwaway ones, score as later ones do, to the last bit (issue 20)', () => {
    const g = gaussian(mulberry32(33));
    const n = 2500;
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      times[i] = T0 + i * 1000;
      values[i] = i === 1700 ? 60 : i === 2100 ? -40 : i % 400 === 9 ? NaN : i % 3 === 0 ? 10 : 10 + g();
    }
    const run = (mods: { streaming: typeof streamingModule; live: typeof liveModule }) => {
      const d = new mods.streaming.StreamingAnomalyDetector();
      const levels = Array.from(values, (v, i) => [d.learn(times[i]!, v), d.lastScore, d.lastDirection]);
      const live = new mods.live.LiveDetectors();
      live.begin();
      const fed = live.feed('s', [{ times, values }], times[0]!, times[n - 1]!, DEFAULT_ANOMALY_THRESHOLD);
      return { levels, intervals: fed.intervals, band: fed.detector.band(), samplesFed: live.samplesFed };
    };
    const warmed = run({ streaming: streamingModule, live: liveModule });
    const first = run(freshModules());
    assert.equal(first.samplesFed, n);
    assert.ok(first.intervals.length >= 2, `${first.intervals.length} intervals`);
    assert.deepStrictEqual(first, warmed);
    first.levels.forEach((l, i) => assert.ok(Object.is(l[0], warmed.levels[i]![0]), `sample ${i}`));
  });

  it('scores from the past only: changing later values never changes an earlier score', () => {
    const v = noisy(1200, 10, 1, 2);
    const a = scoresOf(v);
    const w = v.slice();
    for (let i = 800; i < 1200; i++) w[i] = w[i]! * 3;
    const b = scoresOf(w);
    assert.deepEqual(b.slice(0, 800), a.slice(0, 800));
  });
  it("the warm-up teaches σ's flat-window fallback fractions: its optimised code survives a flat series' first fraction (issue 20)", () => {
    // A flat series of integers ran the fallback (MAD 0: the mean absolute deviation) first,
    // its sums were compiled for integers, and the first fraction threw them — and `learn`,
    // which inlines them — away. Checked with V8's status bits in a process of its own
    // (bit 4: optimised) after the warm-up that the first detector runs.
    const dir = path.join(__dirname, '../../../src/core/analyze');
    const script = `
      const { TrailingMedianMad } = require(${JSON.stringify(path.join(dir, 'anomaly.js'))});
      const { StreamingAnomalyDetector } = require(${JSON.stringify(path.join(dir, 'streaming.js'))});
      new StreamingAnomalyDetector();
      const sigma = TrailingMedianMad.prototype.sigma;
      const ints = new TrailingMedianMad(64);
      for (let i = 0; i < 64; i++) ints.push(i % 9 === 0 ? 4 : 3);
      ints.sigma();
      %OptimizeFunctionOnNextCall(sigma);
      ints.sigma();
      const before = %GetOptimizationStatus(sigma);
      const fractions = new TrailingMedianMad(64);
      for (let i = 0; i < 64; i++) fractions.push(i % 9 === 0 ? 3.25 : i % 13 === 0 ? 1.5 : 3);
      const s = fractions.sigma();
      console.log(JSON.stringify({ before, after: %GetOptimizationStatus(sigma), s }));`;
    const out = JSON.parse(runWithNatives(script)) as { before: number; after: number; s: number };
    assert.ok(out.s > 0 && out.s < 0.25, `σ of the flat window ${out.s}`);
    assert.ok((out.before & 16) !== 0, `optimised first (status ${out.before.toString(2)})`);
    assert.ok((out.after & 16) !== 0, `still optimised (status ${out.after.toString(2)})`);
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);
});

/** TailCalibrator as it was before it kept the list of filled bins: every scan crosses every bin up to the highest filled. */
class EveryBinCalibrator {
  private readonly bins = new Float64Array(200);
  private readonly decay: number;
  private readonly warmup: number;
  private readonly trustedAfter: number;
  private total = 0;
  private weight = 1;
  private excess = 0;
  private excessWeight = 0;
  private seen = 0;
  private top = 0;

  constructor(options: { decay?: number; warmup?: number; trustedAfter?: number }) {
    this.decay = options.decay ?? 1 / 2000;
    this.warmup = options.warmup ?? 100;
    this.trustedAfter = options.trustedAfter ?? 200;
  }

  update(raw: number): number {
    if (Number.isNaN(raw)) return 1;
    const r = Math.min(Math.abs(raw), 1e6);
    const uq = this.upperQuantile();
    let p = 1;
    if (this.seen >= this.warmup) {
      if (r > uq) {
        p = (1 - 0.98) * Math.exp(-(r - uq) / this.meanExcess(uq));
      } else {
        let above = 0;
        for (let j = binOf(r); j < this.top; j++) above += this.bins[j]!;
        p = above / this.total;
      }
      if (this.seen < this.trustedAfter) p = Math.max(p, 1 / (this.seen + 1));
    }
    this.seen++;
    this.weight /= 1 - this.decay;
    if (this.weight > 1e200) {
      for (let j = 0; j < 200; j++) this.bins[j] = this.bins[j]! / this.weight;
      this.total /= this.weight;
      this.excess /= this.weight;
      this.excessWeight /= this.weight;
      this.weight = 1;
    }
    const at = binOf(r);
    this.bins[at] = this.bins[at]! + this.weight;
    if (at >= this.top) this.top = at + 1;
    this.total += this.weight;
    if (r > uq) {
      this.excess += this.weight * (r - uq);
      this.excessWeight += this.weight;
    }
    return p;
  }

  rawFor(p: number): number {
    if (this.seen < this.warmup || !(p > 0)) return Number.POSITIVE_INFINITY;
    if (this.seen < this.trustedAfter && p < 1 / (this.seen + 1)) return Number.POSITIVE_INFINITY;
    const uq = this.upperQuantile();
    if (p < 1 - 0.98) return uq + this.meanExcess(uq) * Math.log((1 - 0.98) / p);
    let above = 0;
    for (let k = this.top - 1; k >= 0; k--) {
      above += this.bins[k]!;
      if (above / this.total > p) return (k + 1) * 0.125;
    }
    return 0;
  }

  private meanExcess(uq: number): number {
    const k = this.excessWeight / this.weight;
    const real = this.excessWeight > 0 ? this.excess / this.excessWeight : 0;
    return Math.max((real * k + Math.max(uq, 0.125) * 5) / (k + 5), 0.125);
  }

  private upperQuantile(): number {
    const target = (1 - 0.98) * this.total;
    if (this.top === 0) return 200 * 0.125;
    let cum = 0;
    let k = this.top - 1;
    for (; k >= 0; k--) {
      cum += this.bins[k]!;
      if (cum >= target) break;
    }
    return (k + 1) * 0.125;
  }
}

function binOf(r: number): number {
  return Math.min(199, Math.floor(r / 0.125));
}
