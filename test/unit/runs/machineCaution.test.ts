import assert from 'node:assert/strict';
import { runSamplesOf, RunSamples } from '../../../src/core/report/runSamples';
import { checkRegression } from '../../../src/core/runs/regressionCheck';
import { compareRuns, comparisonMarkdown, comparisonText } from '../../../src/core/runs/runComparison';
import { gaussian, mulberry32 } from '../analyze/synthetic';

/** `n` seconds of a steady 10 msg/s server: p95 latency around `p95Ms`, server CPU around 3%, the machine's CPU at `machine`. */
function run(seed: number, p95Ms: number, machine: number, n = 60): RunSamples {
  const g = gaussian(mulberry32(seed));
  const series = (level: number, sd: number): number[] => Array.from({ length: n }, () => Math.max(0, level + g() * sd));
  const samples = {
    cpuPercent: series(3, 0.3),
    messagesPerSecond: series(10, 0.1),
    activeUsers: Array.from({ length: n }, () => 10),
    latencyP95Ms: series(p95Ms, p95Ms / 10),
    machineCpuPercent: series(machine, 2).map((v) => Math.min(100, v)),
  };
  const mean = (v: number[]): number => v.reduce((s, y) => s + y, 0) / v.length;
  return { samples, summary: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, mean(v)])), commit: 'a'.repeat(40), dirty: false };
}

describe('a comparison says when the machine, not the build, may explain a latency change', () => {
  it('p95 doubled while the machine was busy: the verdict stands and a caution names the busy shares', () => {
    const c = compareRuns(run(1, 2, 97), run(2, 4, 99));
    assert.equal(c.figures.find((f) => f.id === 'latencyP95Ms')!.verdict, 'regression');
    assert.deepEqual(c.machineBusy, { base: 1, head: 1 });
    assert.match(c.caution ?? '', /^The machine's CPU was at or above 85% for 100% of the base run's seconds and 100% of the head run's: message latency p95 also follows the machine's other work/);
    assert.match(comparisonText(c), /\nCaution: The machine's CPU/);
    assert.match(comparisonMarkdown(c, { base: 'base', head: 'head' }), /\*\*Caution:\*\* The machine's CPU/);
    const check = checkRegression(run(1, 2, 97), run(2, 4, 99));
    assert.ok(check.kind === 'regression');
    assert.match(check.sentence, /Message latency p95 \+\d+% .*\. The machine's CPU was at or above 85%/);
  });

  it('the same change on a quiet machine: no caution', () => {
    const c = compareRuns(run(3, 2, 10), run(4, 4, 12));
    assert.equal(c.figures.find((f) => f.id === 'latencyP95Ms')!.verdict, 'regression');
    assert.deepEqual(c.machineBusy, { base: 0, head: 0 });
    assert.equal(c.caution, undefined);
    assert.doesNotMatch(comparisonText(c), /Caution/);
  });

  it('a busy machine but no latency change named: no caution (CPU time does not follow the machine)', () => {
    const c = compareRuns(run(5, 2, 98), run(6, 2, 98));
    assert.equal(c.caution, undefined);
  });

  it('runs without the machine series (older reports): no shares, no caution', () => {
    const strip = (r: RunSamples): RunSamples => ({ ...r, samples: Object.fromEntries(Object.entries(r.samples).filter(([k]) => k !== 'machineCpuPercent')) });
    const c = compareRuns(strip(run(7, 2, 99)), strip(run(8, 4, 99)));
    assert.equal(c.machineBusy, undefined);
    assert.equal(c.caution, undefined);
  });

  it("a run keeps the machine's CPU tick by tick beside its figures (from system_cpu_usage_percent)", () => {
    const r = runSamplesOf((name) => (name === 'system_cpu_usage_percent' ? [{ times: [1000, 2000, 3000], values: [40, 90, 95] }] : []));
    assert.deepEqual(r.samples.machineCpuPercent, [40, 90, 95]);
  });
});
