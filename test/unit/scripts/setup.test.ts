/**
 * The set-up step of `npm run demo` / `npm run bench` (scripts/setup.mjs) on a machine
 * that lacks what only apt installs: one sentence naming the packages and the command
 * that installs them, exit code 1, and nothing installed half-way (issue 22).
 * The full fresh-clone run (npm packages, code-server answering) is
 * scripts/fresh-clone-check.mjs (`npm run test:fresh-clone`, run by .ci/run).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';

// out/test/unit/scripts → the repository root.
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const setup = path.join(repoRoot, 'scripts', 'setup.mjs');

function runSetup(what: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [setup, what], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scripts/setup.mjs (the demo and bench set-up step)', () => {
  let emptyCache: string;
  let emptyPath: string;
  before(() => {
    emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-setup-cache-'));
    emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-setup-path-'));
  });
  after(() => {
    fs.rmSync(emptyCache, { recursive: true, force: true });
    fs.rmSync(emptyPath, { recursive: true, force: true });
  });

  it('demo without code-server and without ripgrep: one sentence naming the apt package and the command, exit 1, nothing installed', () => {
    const r = runSetup('demo', { CRM_CACHE: emptyCache, PATH: emptyPath });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', /^demo set-up: ripgrep (and libkrb5-dev )?(is|are) missing and only apt installs (it|them): run "sudo apt-get install -y ripgrep( libkrb5-dev)?" \(or \.ci\/run, which installs everything\), then "npm run demo" again\.$/);
    // It stopped before installing anything: no npm step was started.
    assert.doesNotMatch(r.stdout, /installing/);
    assert.deepEqual(fs.readdirSync(emptyCache), []);
  });

  it('bench without Chromium names the chromium package', () => {
    const r = runSetup('bench', { CHROMIUM: path.join(emptyPath, 'chromium') });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^bench set-up: chromium is missing and only apt installs it: run "sudo apt-get install -y chromium" .*"npm run bench" again\.\n$/);
  });
});
