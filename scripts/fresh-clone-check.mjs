#!/usr/bin/env node
// `npm run test:fresh-clone` (and .ci/run): `npm run demo` works first on a fresh clone.
//
// Clones this repository's HEAD into a temporary folder (no node_modules, no dist, no
// .cache of its own), runs `npm run demo` there as a newcomer would — its set-up step
// installs the npm packages and the example server's package — and waits until the
// demo prints its URL and code-server answers on it; then stops the demo the way a
// person does (Ctrl-C: SIGINT to its process group), checks that code-server is gone,
// and removes the clone.
//
// Reused, to keep it to minutes: the npm cache, and code-server from this checkout's
// .cache (CRM_CACHE) — installing code-server is scripts/install-code-server.sh, the
// same script whatever the folder. Bounded: 20 minutes in all.
//
// Last line: "N passed, N failed"; exit code 0 only when it passed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './lib/paths.mjs';
import { startProcess, stopAll, stopProcess, waitForHttp, waitForLine } from './lib/processes.mjs';

const BOUND_MS = 20 * 60_000;
const STOP_MS = 60_000;

function say(line) {
  console.log(`[fresh-clone] ${line}`);
}

async function answers(url) {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-fresh-clone-'));
  const clone = path.join(tmp, 'chatroom-monitor');
  let demo;
  try {
    execFileSync('git', ['clone', '--quiet', repoRoot, clone], { stdio: 'inherit' });
    const head = execFileSync('git', ['-C', clone, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).trim().slice(0, 100);
    say(`cloned ${head} into ${clone}`);
    for (const absent of ['node_modules', 'dist', path.join('examples', 'chat-server', 'node_modules')]) {
      if (fs.existsSync(path.join(clone, absent))) {
        throw new Error(`the clone already has ${absent}: not a fresh clone`);
      }
    }
    const cache = fs.realpathSync(process.env.CRM_CACHE ?? path.join(repoRoot, '.cache'));
    const t0 = Date.now();
    // --minutes 10: the demo ends with its load; long enough for a slow set-up on a loaded machine.
    demo = startProcess('demo', 'npm', ['run', 'demo', '--', '--minutes', '10'], {
      cwd: clone,
      env: { ...process.env, CRM_CACHE: cache, FORCE_COLOR: '0' },
      echo: true,
    });
    await waitForLine(demo, /demo set-up: installing the npm packages/, BOUND_MS);
    const opened = await waitForLine(demo, /Open (http:\/\/127\.0\.0\.1:\d+)\/\?folder=\S+ in your browser/, BOUND_MS - (Date.now() - t0));
    const url = opened[1];
    await waitForHttp(`${url}/healthz`, 30_000, demo);
    const page = await fetch(`${url}/`, { signal: AbortSignal.timeout(10_000) });
    if (!page.ok) {
      throw new Error(`code-server answered ${url}/ with HTTP ${page.status}`);
    }
    say(`code-server answers at ${url} ${((Date.now() - t0) / 1000).toFixed(0)} s after "npm run demo" in the clone`);

    // Ctrl-C, as a person stops it: SIGINT to the foreground process group.
    process.kill(-demo.pid, 'SIGINT');
    const code = await Promise.race([demo.exited, new Promise((r) => setTimeout(() => r('timeout'), STOP_MS))]);
    if (code === 'timeout') {
      throw new Error(`the demo did not stop within ${STOP_MS / 1000} s of Ctrl-C`);
    }
    const deadline = Date.now() + 15_000;
    while ((await answers(`${url}/healthz`)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    if (await answers(`${url}/healthz`)) {
      throw new Error(`code-server still answers at ${url} after the demo stopped`);
    }
    say(`the demo stopped on Ctrl-C (exit ${code}) and code-server is gone`);
    return true;
  } finally {
    if (demo) {
      await stopProcess(demo);
    }
    await stopAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const passed = await main().catch((err) => {
  say(`FAILED: ${err?.message ?? err}`);
  return false;
});
console.log(passed ? '1 passed, 0 failed' : '0 passed, 1 failed');
process.exit(passed ? 0 : 1);
