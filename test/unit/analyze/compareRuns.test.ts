import assert from 'node:assert/strict';
import { blockLength, compareFigure, FigureSamples } from '../../../src/core/analyze/compareRuns';
import { RUN_FIGURES } from '../../../src/core/report/runSamples';
import { gaussian, mulberry32 } from './synthetic';

/** Per-second CPU of a server under steady load: an AR(1) process around `level` (φ = 0.7, as busy seconds cluster). */
function ar1(seed: number, n: number, level: number, sd: number): number[] {
  const g = gaussian(mulberry32(seed));
  const out: number[] = [];
  let x = 0;
  for (let i = 0; i < n; i++) {
    x = 0.7 * x + g() * sd;
    out.push(level + x);
  }
  return out;
}

const cpu = (base: number[], head: number[]): FigureSamples => ({ id: 'cpuPercent', label: 'Server CPU', unit: '%', direction: 'lowerIsBetter', base, head });

describe('compareRuns', () => {
  it('two runs of the same build: "no significant change" in at least 95% of 200 pairs, though the seconds are autocorrelated', () => {
    let falsePositives = 0;
    for (let k = 0; k < 200; k++) {
      const r = compareFigure(cpu(ar1(2 * k + 1, 120, 40, 4), ar1(2 * k + 2, 120, 40, 4)), { resamples: 400, seed: k });
      if (r.verdict !== 'noChange') {
        falsePositives++;
      }
    }
    assert.ok(falsePositives <= 10, `${falsePositives} of 200 same-build pairs called a change`);
  });

  it('names a 25% CPU rise a regression, with an interval that excludes zero and a large effect size', () => {
    const r = compareFigure(cpu(ar1(1, 600, 40, 4), ar1(2, 600, 50, 4)));
    assert.equal(r.verdict, 'regression');
    assert.ok(r.ci[0] > 0 && r.ci[1] > r.ci[0], JSON.stringify(r.ci));
    assert.ok(Math.abs(r.relativeChange - 0.25) < 0.06, String(r.relativeChange));
    assert.ok(r.cliffsDelta > 0.6, String(r.cliffsDelta));
  });

  it('a drop in throughput is a regression and a rise an improvement (direction matters)', () => {
    const tput = (base: number[], head: number[]): FigureSamples => ({ id: 'messagesPerSecond', label: 'Throughput', unit: 'msg/s', direction: 'higherIsBetter', base, head });
    assert.equal(compareFigure(tput(ar1(3, 90, 100, 5), ar1(4, 90, 70, 5))).verdict, 'regression');
    assert.equal(compareFigure(tput(ar1(3, 90, 100, 5), ar1(4, 90, 130, 5))).verdict, 'improvement');
  });

  it('a latency median that moves by a tenth of a millisecond (+24%) is no change under a 1 ms floor; 0.5 → 8 ms still is a regression', () => {
    const p50 = (base: number[], head: number[], minAbsoluteChange?: number): FigureSamples => ({ id: 'latencyP50Ms', label: 'Message latency p50', unit: 'ms', direction: 'lowerIsBetter', base, head, minAbsoluteChange });
    const base = ar1(7, 60, 0.42, 0.03);
    const head = ar1(8, 60, 0.52, 0.03);
    assert.equal(compareFigure(p50(base, head)).verdict, 'regression', 'without a floor the shift is named');
    assert.equal(compareFigure(p50(base, head, 1)).verdict, 'noChange');
    assert.equal(compareFigure(p50(base, ar1(9, 60, 8, 1.5), 1)).verdict, 'regression');
  });

  it('the run figures put a 1 ms floor under the three latencies, 1 point of a core under server CPU, and none under the others', () => {
    const floors = Object.fromEntries(RUN_FIGURES.map((f) => [f.id, f.minAbsoluteChange ?? 0]));
    assert.deepEqual(floors, { cpuPercent: 1, rssMiB: 0, messagesPerSecond: 0, latencyP50Ms: 1, latencyP95Ms: 1, latencyP99Ms: 1, errorsPerSecond: 0, activeUsers: 0 });
  });

  it('two real runs of one build (1.50 vs 1.10 % of a core at 10 msg/s) are no change under the 1-point floor; 2 ms more a message still is a regression', () => {
    // Per-second server CPU of `npm run compare:fp` runs 1 and 6 and its --cpu-work-ms 2 control (one build, a quiet
    // machine): /proc reads whole points a second. Without a floor their seconds call runs 1 and 6 different (-27 %).
    const SAME_1 = [1.03,2,2,3,2,1,1,2,1,1,2,1,3,1,1,3,1,1,1,1,2,1,2,2,0,2,1,1,3,1,1,3,1,0,3,1,1,1,2,1];
    const SAME_6 = [1.03,1,1,2,1,1,2,1,0,2,1,1,1,1,2,2,1,1,1,1,1,1,1,1,1,0,2,1,1,1,1,1,1,1,2,1,0,1,1,1];
    const CPU_WORK_2MS = [3.09,4,4,5,3,3,3,3,3,3,4,3,4,3,2,5,3,2,4,3,3,3,3,4,3,3,4,3,4.01,3,3,3,4,3,4,3,3,3,3,3];
    const floor = RUN_FIGURES.find((f) => f.id === 'cpuPercent')!.minAbsoluteChange;
    assert.equal(compareFigure(cpu(SAME_1, SAME_6)).verdict, 'improvement', 'without a floor the runs differ');
    assert.equal(compareFigure({ ...cpu(SAME_1, SAME_6), minAbsoluteChange: floor }).verdict, 'noChange');
    assert.equal(compareFigure({ ...cpu(SAME_1, CPU_WORK_2MS), minAbsoluteChange: floor }).verdict, 'regression');
  });

  it('a real but negligible shift (2%) is no significant change', () => {
    const r = compareFigure(cpu(ar1(5, 600, 40, 0.5), ar1(6, 600, 40.8, 0.5)));
    assert.ok(r.ci[0] > 0, 'the shift itself is detectable');
    assert.equal(r.verdict, 'noChange');
  });

  it('too few seconds in either run is "not enough data", not a verdict', () => {
    assert.equal(compareFigure(cpu(ar1(7, 10, 40, 4), ar1(8, 120, 80, 4))).verdict, 'notEnoughData');
  });

  it('the same inputs and seed give the same interval', () => {
    const a = ar1(9, 100, 10, 1);
    const b = ar1(10, 100, 11, 1);
    assert.deepEqual(compareFigure(cpu(a, b), { seed: 3 }).ci, compareFigure(cpu(a, b), { seed: 3 }).ci);
    assert.equal(blockLength(Array.from({ length: 1000 }, (_, i) => i % 2)), 10, 'no memory: n^(1/3)');
    assert.ok(blockLength(ar1(11, 1000, 0, 1)) >= 10, 'AR(1) φ = 0.7: about twice (1 + φ) / (1 − φ)');
  });
});
