/**
 * Each unit lane of `npm test` ends with its slowest files, their hooks included
 * (scripts/lib/specWithFileTimes.cjs): the spec reporter times tests only, and a
 * file's `before` (a server, a whole bench run) is often most of its time. Read from
 * a real mocha run over two small spec files.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// out/test/unit/scripts → the repository root.
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

describe("npm test's unit lanes end with their slowest files, hooks included (scripts/lib/specWithFileTimes.cjs)", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-file-times-'));
    // A before hook that waits 500 ms: at least that much is the file's, though no test is slow.
    fs.writeFileSync(path.join(dir, 'hooked.spec.js'), `describe('hooked', () => { before((done) => setTimeout(done, 500)); it('is quick', () => {}); });\n`);
    fs.writeFileSync(path.join(dir, 'plain.spec.js'), `describe('plain', () => { it('is quick too', () => {}); });\n`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints the spec reporter's lines, then each file with the seconds its suites took, hooks included", () => {
    const reporter = path.join(repoRoot, 'scripts', 'lib', 'specWithFileTimes.cjs');
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--reporter', reporter, path.join(dir, 'plain.spec.js'), path.join(dir, 'hooked.spec.js')], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n');
    const passing = lines.findIndex((l) => /^\s+2 passing/.test(l));
    const head = lines.findIndex((l) => /^ {2}slowest files \(hooks included\) of \d+\.\d s in 2 files:$/.test(l));
    assert.ok(passing >= 0 && head > passing, r.stdout);
    const rows = new Map(lines.slice(head + 1, head + 3).map((l) => /^\s+(\d+\.\d) s {2}(\S+)$/.exec(l)).map((m) => [m?.[2], Number(m?.[1])]));
    assert.deepEqual([...rows.keys()].sort(), ['hooked.spec.js', 'plain.spec.js'], r.stdout);
    // The hook's 500 ms wait is a lower bound of its file's time, whatever the machine's load.
    assert.ok(rows.get('hooked.spec.js')! >= 0.4, r.stdout);
  });
});
