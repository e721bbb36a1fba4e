/**
 * The NAB scorer on hand-made files whose scores can be worked out on paper, and a
 * smoke run of the NAB harness over two real files (figures not asserted beyond
 * the null detector's 0: two files say nothing about a detector).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadNab, nabRoot, parseNabTime } from '../../../bench/lib/nabData';
import { NAB_PROFILES, LabelledFile, optimizeThreshold, planScoring, probationaryLength, scaledSigmoid, scoreAt } from '../../../bench/lib/nabScorer';
import { evaluate } from '../../../bench/anomaly/nab';
import { BENCH_DETECTORS } from '../../../bench/anomaly/detectors';

const [standard, lowFp, lowFn] = NAB_PROFILES as [(typeof NAB_PROFILES)[0], (typeof NAB_PROFILES)[0], (typeof NAB_PROFILES)[0]];
const MAX_TP = scaledSigmoid(-1);

/** 20 rows at t = 0..19, one window over rows 10..13 (width 4); probation = 3 rows. */
const file: LabelledFile = { name: 'tiny.csv', times: Array.from({ length: 20 }, (_, i) => i), windows: [[10, 13]] };

function scoresWith(rows: Record<number, number>): Float64Array {
  const s = new Float64Array(20);
  for (const [i, v] of Object.entries(rows)) s[+i] = v;
  return s;
}

describe('NAB scorer', () => {
  const plan = planScoring([file]);

  it('the scaled sigmoid: 0.98661 at the window start, 0 one row past its end, −1 far after', () => {
    assert.ok(Math.abs(scaledSigmoid(-1) - 0.98661) < 1e-5);
    assert.ok(Math.abs(scaledSigmoid(-0.5) - 0.84828) < 1e-5);
    assert.equal(scaledSigmoid(0), 0);
    assert.equal(scaledSigmoid(3.5), -1);
    assert.equal(probationaryLength(20), 3);
    assert.equal(probationaryLength(100_000), 750);
  });

  it('a detection on the window’s first row is a perfect score (100), nothing detected is the null score (0)', () => {
    assert.equal(scoreAt(plan, scoresWith({ 10: 1 }), standard, 0.5).normalized, 100);
    const none = scoreAt(plan, scoresWith({}), standard, 0.5);
    assert.equal(none.raw, -1);
    assert.equal(none.normalized, 0);
    assert.equal(scoreAt(plan, scoresWith({}), lowFn, 0.5).raw, -2);
  });

  it('only the earliest detection in a window counts, later ones are free', () => {
    const mid = scoreAt(plan, scoresWith({ 12: 1, 13: 1 }), standard, 0.5);
    // Row 12: relative position −(13 − 12 + 1)/4 = −0.5.
    assert.ok(Math.abs(mid.raw - scaledSigmoid(-0.5) / MAX_TP) < 1e-12);
    assert.equal(mid.detectedWindows, 1);
    assert.equal(mid.tpRows, 2);
  });

  it('false positives: full A_FP before the first window, scaled by the distance after one, none in probation', () => {
    const before = scoreAt(plan, scoresWith({ 1: 1, 5: 1, 10: 1 }), standard, 0.5);
    assert.ok(Math.abs(before.raw - (1 - 0.11)) < 1e-12, String(before.raw));
    assert.equal(before.fpRows, 1);
    // Row 15: 2 rows past the end of a 4-row window: σ(2/3) × A_FP.
    const after = scoreAt(plan, scoresWith({ 10: 1, 15: 1 }), lowFp, 0.5);
    assert.ok(Math.abs(after.raw - (1 + 0.22 * scaledSigmoid(2 / 3))) < 1e-12, String(after.raw));
  });

  it('the optimiser picks the threshold with the best sum, trying every distinct score and "nothing"', () => {
    // A high false positive (0.9) and the window found at 0.6 (row 11, position −0.75).
    const s = scoresWith({ 5: 0.9, 11: 0.6, 16: 0.3 });
    const best = optimizeThreshold(plan, s, standard);
    assert.equal(best.threshold, 0.6);
    assert.ok(Math.abs(best.raw - (scaledSigmoid(-0.75) / MAX_TP - 0.11)) < 1e-12);
    // If the false positive cost more than finding the window is worth, it finds nothing.
    const costly = optimizeThreshold(plan, s, { name: 'x', tpWeight: 1, fpWeight: 5, fnWeight: 1 });
    assert.equal(costly.threshold, Number.POSITIVE_INFINITY);
    assert.equal(costly.normalized, 0);
  });

  it('the profiles are NAB’s (bench/nab/config/profiles.json)', () => {
    const json = JSON.parse(readFileSync(path.join(nabRoot(), 'config', 'profiles.json'), 'utf8')) as Record<string, { CostMatrix: { tpWeight: number; fpWeight: number; fnWeight: number } }>;
    for (const p of NAB_PROFILES) {
      const m = json[p.name]!.CostMatrix;
      assert.deepEqual([p.tpWeight, p.fpWeight, p.fnWeight], [m.tpWeight, m.fpWeight, m.fnWeight], p.name);
    }
  });

  it('reads NAB timestamps as UTC, with or without microseconds', () => {
    assert.equal(parseNabTime('2014-04-10 07:15:00.000000'), Date.UTC(2014, 3, 10, 7, 15));
    assert.equal(parseNabTime('2014-04-10 07:15:00'), Date.UTC(2014, 3, 10, 7, 15));
  });

  it('smoke: the harness streams two NAB files through every bench detector; the null detector scores 0', function () {
    this.timeout(60_000);
    const files = loadNab(['art_daily_jumpsup', 'ec2_cpu_utilization_825cc2']);
    assert.equal(files.length, 2);
    const p = planScoring(files);
    assert.ok(p.windowCount >= 2);
    for (const d of BENCH_DETECTORS) {
      const r = evaluate(p, files, d);
      assert.equal(r.optimized.length, 3);
      for (const s of r.optimized) assert.ok(Number.isFinite(s.normalized), `${d.id} ${s.profile}`);
      if (d.id === 'null') assert.deepEqual(r.optimized.map((s) => s.normalized), [0, 0, 0]);
    }
  });
});
