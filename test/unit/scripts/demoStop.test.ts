/**
 * `npm run demo` stops cleanly on SIGINT/SIGTERM to any process of it and says why
 * (issue 11, item 6). The demo itself needs code-server, so this drives the same
 * pieces it uses (scripts/lib/processes.mjs: firstEnd, endedWords, stopSignal) in a
 * small ESM harness with two real child processes standing in for its server and load.
 */
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// out/test/unit/scripts → the repository root.
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const processesUrl = pathToFileURL(path.join(repoRoot, 'scripts', 'lib', 'processes.mjs')).href;

const HARNESS = `
import { endedWords, firstEnd, startProcess, stopAll, stopSignal } from ${JSON.stringify(processesUrl)};
const idle = ['-e', 'setInterval(() => {}, 1000)'];
// CRM_STUBBORN: the server ignores SIGTERM, so stopping it takes the grace period and a SIGKILL.
const stubborn = ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"];
const server = startProcess('chat-server', process.execPath, process.env.CRM_STUBBORN ? stubborn : idle);
const load = startProcess('load', process.execPath, idle);
console.log(JSON.stringify({ pids: [server.pid, load.pid] }));
const end = await firstEnd([load, server], 50);
if (stopSignal() === undefined) {
  console.log(JSON.stringify({ ended: 'entry' in end ? end.entry.name + ' ' + endedWords(end.entry) : 'parent' }));
}
await stopAll(2000);
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Run {
  child: ChildProcess;
  pids: Promise<number[]>;
  out: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startHarness(env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, ['--input-type=module', '-e', HARNESS], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  const pids = new Promise<number[]>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"pids":\[(\d+),(\d+)\]\}/.exec(out);
      if (m) resolve([Number(m[1]), Number(m[2])]);
    });
    child.on('exit', () => reject(new Error(`the harness ended before starting its children: ${out}`)));
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, pids, out: () => out, exit };
}

async function gone(pids: number[]): Promise<boolean> {
  for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
  return !pids.some(alive);
}

describe('npm run demo: stopping', function () {
  this.timeout(30_000);
  const started: number[] = [];
  afterEach(() => {
    // A failed check must not leave the stand-in children running.
    for (const pid of started.splice(0)) {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('runs the demo with exec, so a signal npm forwards reaches node and not a waiting shell', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts['demo'] ?? '', /^exec node scripts\/demo\.mjs/);
  });

  it('Ctrl-C in a terminal (SIGINT to the demo, then the one npm forwards) still stops every child before it exits', async () => {
    const run = startHarness({ CRM_STUBBORN: '1' });
    const pids = await run.pids;
    started.push(...pids);
    run.child.kill('SIGINT');
    for (let i = 0; i < 100 && !/SIGINT: stopping/.test(run.out()); i++) await new Promise((r) => setTimeout(r, 20));
    // The repeat arrives while the stubborn server is still being stopped (its grace period).
    run.child.kill('SIGINT');
    const { code, signal } = await run.exit;
    assert.equal(signal, null, 'the repeated SIGINT killed the demo before it stopped its children');
    assert.equal(code, 130);
    assert.equal(run.out().match(/SIGINT: stopping/g)?.length, 1);
    assert.ok(await gone(pids), `children still alive: ${pids.filter(alive).join(', ')}`);
  });

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} to the demo process stops every child, says so, and never claims the load finished`, async () => {
      const run = startHarness();
      const pids = await run.pids;
      started.push(...pids);
      run.child.kill(sig);
      const { code } = await run.exit;
      assert.equal(code, sig === 'SIGINT' ? 130 : 143);
      assert.match(run.out(), new RegExp(`${sig}: stopping 2 child process`));
      assert.doesNotMatch(run.out(), /"ended"/);
      assert.ok(await gone(pids), `children still alive: ${pids.filter(alive).join(', ')}`);
    });

    it(`${sig} to one of its processes stops the rest and names which one stopped and how`, async () => {
      const run = startHarness();
      const [server, load] = await run.pids;
      started.push(server!, load!);
      process.kill(load!, sig);
      const { code } = await run.exit;
      assert.equal(code, 0);
      assert.match(run.out(), new RegExp(`"ended":"load was stopped by ${sig}"`));
      assert.ok(await gone([server!, load!]), 'the chat server outlived the demo');
    });
  }
});
