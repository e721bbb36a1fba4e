/**
 * `npm test` names each failing test again just before its summary table, where
 * CI's kept tail reaches (scripts/lib/failures.mjs). Mocha's own epilogue is read
 * from a real mocha run over a small spec with failures, in both reporters the
 * levels use; our runners' "FAIL" / "✘" lines from their printed shapes.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// out/test/unit/scripts → the repository root.
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const failuresUrl = pathToFileURL(path.join(repoRoot, 'scripts', 'lib', 'failures.mjs')).href;

/** failureLines(outputs, maxLines) from the ESM module, in a child Node (this file is CommonJS). */
function failureLines(outputs: string[], maxLines?: number): string[] {
  const code = `import { readFileSync } from 'node:fs';
import { failureLines } from ${JSON.stringify(failuresUrl)};
const { outputs, maxLines } = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(failureLines(outputs, maxLines)));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { input: JSON.stringify({ outputs, maxLines }), encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

const SPEC = `
const assert = require('node:assert/strict');
describe('outer suite', () => {
  describe('inner suite', () => {
    it('passes', () => {});
    it('fails with a message', () => { throw new Error('boom: the first line\\nthe second line\\nthe third line'); });
  });
  it('compares two numbers', () => { assert.equal(1, 2); });
});
`;

describe('npm test names the failing tests before its summary (scripts/lib/failures.mjs)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-failures-'));
    fs.writeFileSync(path.join(dir, 'f.spec.js'), SPEC);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function mocha(reporter: string): string {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--reporter', reporter, path.join(dir, 'f.spec.js')], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    assert.equal(r.status, 2, `mocha should report 2 failures: ${r.stdout}${r.stderr}`);
    return r.stdout + r.stderr;
  }

  for (const reporter of ['spec', 'dot']) {
    it(`names each failure of mocha's ${reporter} reporter with its title path and its error's first lines`, () => {
      // A test's own output line that starts with "FAIL" is not a failure of a mocha run.
      const lines = failureLines(['compile output\n', `FAIL printed by a passing test\n${mocha(reporter)}`]);
      // Mocha runs a suite's own tests before its inner suites'.
      assert.deepEqual(lines, [
        '1) outer suite › compares two numbers',
        '   AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:',
        '   1 !== 2',
        '2) outer suite › inner suite › fails with a message',
        '   Error: boom: the first line',
        '   the second line',
      ]);
      assert.ok(!lines.some((l) => /third line|passes|at Context/.test(l)), lines.join('\n'));
    });
  }

  it("names our runners' FAIL and ✘ lines with the indented error after each", () => {
    const integration = '  ok   Activation activates (12 ms)\n  FAIL Activation fails on purpose (3 ms)\n       AssertionError: asked for this failure\n       at x\n       at y\n  ok   next (1 ms)\n50 passed, 1 failed\n';
    const e2e = '[e2e 12.0s] PASS first (10 ms)\n[e2e 40.1s] FAIL Start Server (31707 ms): locator.waitFor: Timeout 30000ms exceeded.\n[e2e 40.2s]   screenshot a.png\n';
    const webview = '  ✔ draws\n  ✘ the table has rows\n      AssertionError: 0 rows\n      at run.mjs:1\n  ✔ next\n';
    const scenarios = 'PASS leak: diagnosis (325.5 s)\nFAIL steady: --fail-on warning exits 0 (65.4 s)\n     ✗ exit code 1\n     · status warning\nPASS no process left running\n';
    assert.deepEqual(failureLines([integration, e2e, webview, scenarios]), [
      'FAIL Activation fails on purpose (3 ms)',
      '   AssertionError: asked for this failure',
      '   at x',
      'FAIL Start Server (31707 ms): locator.waitFor: Timeout 30000ms exceeded.',
      '✘ the table has rows',
      '   AssertionError: 0 rows',
      '   at run.mjs:1',
      'FAIL steady: --fail-on warning exits 0 (65.4 s)',
      '   ✗ exit code 1',
      '   · status warning',
    ]);
  });

  it('stays within its line budget and says how many failures it left out', () => {
    const many = Array.from({ length: 30 }, (_, i) => `FAIL check ${i} (1 ms): broke`).join('\n');
    const lines = failureLines([many], 20);
    assert.equal(lines.length, 20);
    assert.equal(lines[0], 'FAIL check 0 (1 ms): broke');
    assert.equal(lines[19], "… and 11 more (see the level's output above)");
    // One failure whose error alone is over the budget is still named.
    const long = failureLines(['FAIL one\n  a\n  b\n  c\n'], 2);
    assert.deepEqual(long, ['FAIL one']);
  });

  it("falls back to the output's last lines when no failure is named (a crash, a compiler error)", () => {
    const lines = failureLines(['src/a.ts(3,1): error TS2304: Cannot find name x.\n\nFound 1 error.\n']);
    assert.deepEqual(lines, ['(no failing test named in the output; its last lines:)', '   src/a.ts(3,1): error TS2304: Cannot find name x.', '   Found 1 error.']);
  });
});
