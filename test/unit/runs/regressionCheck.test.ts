import assert from 'node:assert/strict';
import { RunSamples } from '../../../src/core/report/runSamples';
import { checkRegression } from '../../../src/core/runs/regressionCheck';
import { compareRuns, comparisonMarkdown } from '../../../src/core/runs/runComparison';
import { gaussian, mulberry32 } from '../analyze/synthetic';

/** A run of `n` seconds: AR(1) CPU around `cpu`, steady messages and users. */
function run(seed: number, cpu: number, msgs: number, commit: string, n = 150): RunSamples {
  const g = gaussian(mulberry32(seed));
  let x = 0;
  const cpuPercent = Array.from({ length: n }, () => ((x = 0.7 * x + g()), cpu + x));
  const messagesPerSecond = Array.from({ length: n }, () => msgs + g());
  const activeUsers = Array.from({ length: n }, () => 10);
  const mean = (v: number[]): number => v.reduce((s, y) => s + y, 0) / v.length;
  return {
    samples: { cpuPercent, messagesPerSecond, activeUsers },
    summary: { cpuPercent: mean(cpuPercent), messagesPerSecond: mean(messagesPerSecond), activeUsers: 10 },
    commit,
    dirty: false,
  };
}

const A = '1'.repeat(40);
const B = '2'.repeat(40);

describe('the regression warning after a restart', () => {
  it('names a significant CPU regression under the same load, with both commits', () => {
    const c = checkRegression(run(1, 20, 20, A), run(2, 30, 20, B));
    assert.equal(c.kind, 'regression');
    assert.ok(c.kind === 'regression');
    assert.deepEqual(c.worse.map((r) => r.id), ['cpuPercent']);
    assert.match(c.sentence, /^This run \(222222222222\) is significantly worse than the previous run \(111111111111\) under the same load: Server CPU \+\d+% \(/);
  });

  it('the same build twice: no warning', () => {
    assert.equal(checkRegression(run(3, 20, 20, A), run(4, 20, 20, A)).kind, 'noRegression');
  });

  it('a different load shape is not compared (a busier server is not a slower build)', () => {
    const c = checkRegression(run(5, 20, 20, A), run(6, 40, 40, B));
    assert.equal(c.kind, 'differentLoad');
    assert.ok(c.kind === 'differentLoad');
    assert.match(c.sentence, /the load differs \(message rate (19\.9|20\.\d) vs (39\.9|40\.\d)\)/);
  });

  it('the comparison document: a row a figure with interval, effect size and verdict; run names are inert Markdown', () => {
    const md = comparisonMarkdown(compareRuns(run(1, 20, 20, A), run(2, 30, 20, B)), { base: 'run on [main](command:x)', head: 'head <b>run</b>' });
    assert.match(md, /\| Server CPU \(% of a core\) \| 2\d\.\d\d \| 3\d\.\d\d \| \+\d+\.\d% \| [\d.]+ … [\d.]+ \(99%\) \| [01]\.\d\d \| 150 \/ 150 \| \*\*regression\*\* \|/);
    assert.match(md, /\*\*The head is significantly worse:\*\* Server CPU \d+%/);
    assert.ok(!md.includes('[main](command:x)'), md);
    assert.ok(!md.includes('<b>'), md);
    const same = comparisonMarkdown(compareRuns(run(3, 20, 20, A), run(4, 20, 20, A)), { base: 'a', head: 'b' });
    assert.match(same, /\*\*No significant change\.\*\*/);
  });
});
