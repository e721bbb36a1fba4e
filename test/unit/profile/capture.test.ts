// The profiler against the REAL example chat server (and a few real processes that
// are not one): the acceptance checks at unit level, with short captures.
// Servers start with --inspect-port=0 (or a port this test holds) so SIGUSR1 opens
// the inspector on a free port: this machine is shared, and 9229 may be another
// test's. The port is read from /proc either way; the 9229 default is covered by
// expectedInspectorPort.
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { captureCpuProfile, captureHeapDiff } from '../../../src/core/profile/capture';
import { listeningPortsOf, probeInspector } from '../../../src/core/profile/inspector';
import { parseProfileArgs, runProfile } from '../../../src/cli/profile';
import os from 'node:os';

const repoRoot = path.resolve(__dirname, '../../../..');
const serverJs = path.join(repoRoot, 'examples', 'chat-server', 'server.js');
const faultsJs = path.join(repoRoot, 'examples', 'chat-server', 'faultInjection.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLoad } = require(path.join(repoRoot, 'examples', 'load', 'load.js')) as {
  runLoad(o: Record<string, unknown>): Promise<{ ok: boolean; error?: string }>;
};

const children = new Set<ChildProcess>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startServer(nodeFlags: string[] = ['--inspect-port=0']): Promise<{ child: ChildProcess; pid: number; port: number }> {
  const child = spawn(process.execPath, [...nodeFlags, serverJs, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.stderr!.resume();
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
    setTimeout(() => reject(new Error('server did not start in 15 s')), 15_000);
  });
  return { child, pid: child.pid!, port };
}

function stop(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}

/** Runs a load scenario in the background; stop it with the returned function. */
function load(port: number, scenario: 'cpu-burn' | 'leak', users: number, rate: number): () => Promise<void> {
  const ac = new AbortController();
  const done = runLoad({ url: `ws://127.0.0.1:${port}`, scenario, users, rate, durationMs: 120_000, signal: ac.signal, log: () => undefined });
  return async () => {
    ac.abort();
    await done;
  };
}

/** 1-based first and last line of the method `name() {` … `},` in a file. */
function methodRange(file: string, name: string): [number, number] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trimStart().startsWith(`${name}(`));
  const indent = lines[start]!.length - lines[start]!.trimStart().length;
  const end = lines.findIndex((l, i) => i > start && l === ' '.repeat(indent) + '},');
  return [start + 1, end + 1];
}

async function assertPortClosed(pid: number, port: number): Promise<void> {
  for (let i = 0; i < 2; i++) {
    assert.ok(!(await listeningPortsOf(pid)).includes(port), `pid ${pid} still listens on ${port}`);
    assert.equal(await probeInspector(port), undefined);
    await sleep(500);
  }
}

function freePort(): Promise<net.Server> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

describe('captureCpuProfile / captureHeapDiff (the real example server)', function () {
  this.timeout(60_000);
  const logs: string[] = [];
  const log = (s: string) => logs.push(s);

  beforeEach(() => (logs.length = 0));
  afterEach(async () => {
    await Promise.all([...children].map(stop));
  });

  it('cpu-burn: the top self-time function is burnCpu in faultInjection.js, within its lines, ≥ 30%; the inspector it opened is closed', async () => {
    const { pid, port } = await startServer();
    const before = await listeningPortsOf(pid);
    const stopLoad = load(port, 'cpu-burn', 4, 2);
    try {
      await sleep(1500);
      const r = await captureCpuProfile({ pid, durationMs: 4000, workspaceRoots: [repoRoot], log });
      assert.ok(r.ok, r.ok ? '' : r.message);
      const top = r.summary.hotFunctions[0]!;
      const [first, last] = methodRange(faultsJs, 'burnCpu');
      assert.equal(top.function, 'burnCpu', JSON.stringify(r.summary.hotFunctions.slice(0, 3)));
      assert.equal(top.file, 'examples/chat-server/faultInjection.js');
      assert.ok(top.line >= first && top.line <= last, `line ${top.line} not in ${first}–${last}`);
      assert.equal(top.functionLine, first);
      assert.ok(top.selfPercent >= 30, `self ${top.selfPercent}%`);
      assert.ok(top.inWorkspace);
      assert.ok(r.openedInspector);
      assert.ok(!before.includes(r.port));
      const profile = JSON.parse(r.fileText) as { nodes: unknown[]; samples: unknown[] };
      assert.ok(profile.nodes.length > 0 && profile.samples.length > 0);
      assert.match(logs.join('\n'), new RegExp(`Opened the inspector of process ${pid} on 127\\.0\\.0\\.1:${r.port} \\(SIGUSR1\\)`));
      assert.match(logs.join('\n'), new RegExp(`Closed the inspector of process ${pid}: port ${r.port} no longer listens\\.`));
      await assertPortClosed(pid, r.port);
      assert.deepEqual(await listeningPortsOf(pid), before);
    } finally {
      await stopLoad();
    }
  });

  it('leak: the heap-sampling difference names leak() in faultInjection.js as the growing allocation site', async () => {
    const { pid, port } = await startServer();
    const stopLoad = load(port, 'leak', 4, 1);
    try {
      await sleep(1500);
      const r = await captureHeapDiff({ pid, durationMs: 4000, workspaceRoots: [repoRoot], log });
      assert.ok(r.ok, r.ok ? '' : r.message);
      const top = r.summary.allocationSites[0]!;
      assert.equal(top.function, 'leak', JSON.stringify(r.summary.allocationSites.slice(0, 3)));
      assert.equal(top.file, 'examples/chat-server/faultInjection.js');
      assert.equal(top.line, methodRange(faultsJs, 'leak')[0]);
      // 4 msg/s × 200 kB for ~2 s between the two moments: far above anything else.
      assert.ok(top.growthBytes > 500_000, `growth ${top.growthBytes}`);
      assert.ok(JSON.parse(r.fileText).head);
      await assertPortClosed(pid, r.port);
    } finally {
      await stopLoad();
    }
  });

  it('chatroom-monitor profile --port N --json prints the hotFunctions contract and writes the .cpuprofile', async () => {
    const { port } = await startServer();
    const stopLoad = load(port, 'cpu-burn', 2, 2);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-prof-')), 'x.cpuprofile');
    try {
      await sleep(1000);
      const parsed = parseProfileArgs(['--port', String(port), '--duration', '2s', '--out', out, '--json', '--quiet']);
      assert.ok(parsed.ok);
      let stdout = '';
      let stderr = '';
      const code = await runProfile(parsed.args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      assert.equal(code, 0, stderr);
      const json = JSON.parse(stdout) as { hotFunctions: Record<string, unknown>[] };
      assert.ok(json.hotFunctions.length > 0);
      for (const h of json.hotFunctions) {
        assert.deepEqual(Object.keys(h), ['function', 'file', 'line', 'selfPercent', 'totalPercent']);
      }
      assert.ok(json.hotFunctions.some((h) => h.function === 'burnCpu' && h.file === 'examples/chat-server/faultInjection.js'), JSON.stringify(json.hotFunctions.slice(0, 3)));
      assert.ok(JSON.parse(fs.readFileSync(out, 'utf8')).nodes.length > 0);
    } finally {
      await stopLoad();
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });

  it('reuses an inspector that is already open, and leaves it open', async () => {
    const { pid } = await startServer(['--inspect=127.0.0.1:0']);
    const r = await captureCpuProfile({ pid, durationMs: 1000, workspaceRoots: [repoRoot], log });
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.openedInspector, false);
    assert.ok(await probeInspector(r.port), 'the inspector the server opened itself is still open');
    assert.match(logs.join('\n'), /already has an inspector open .*stays open/);
  });

  it('two servers that want the same inspector port are profiled one after the other (cluster workers, each pid)', async () => {
    const holder = await freePort();
    const shared = (holder.address() as net.AddressInfo).port;
    await new Promise((r) => holder.close(r));
    const a = await startServer([`--inspect-port=${shared}`]);
    const b = await startServer([`--inspect-port=${shared}`]);
    const [ra, rb] = await Promise.all([
      captureCpuProfile({ pid: a.pid, durationMs: 1000, log }),
      captureCpuProfile({ pid: b.pid, durationMs: 1000, log }),
    ]);
    assert.ok(ra.ok && rb.ok, JSON.stringify([ra, rb].map((r) => (r.ok ? 'ok' : r.message))));
    assert.equal(ra.port, shared);
    assert.equal(rb.port, shared);
    await assertPortClosed(a.pid, shared);
    await assertPortClosed(b.pid, shared);
  });

  it('says which process holds the port a server would open its inspector on, and sends no signal', async () => {
    const holder = await freePort();
    try {
      const taken = (holder.address() as net.AddressInfo).port;
      const { pid, child } = await startServer([`--inspect-port=${taken}`]);
      const r = await captureCpuProfile({ pid, durationMs: 1000, log });
      assert.ok(!r.ok);
      assert.match(r.message, new RegExp(`^Port ${taken}, where process ${pid} would open its inspector on SIGUSR1, is already taken by pid ${process.pid} \\(`));
      assert.equal(child.exitCode, null);
    } finally {
      holder.close();
    }
  });

  it('never signals a process that is not Node (SIGUSR1 would kill it)', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.add(child);
    await sleep(200);
    const r = await captureCpuProfile({ pid: child.pid!, durationMs: 1000, log });
    assert.ok(!r.ok);
    assert.match(r.message, /is not a Node process with an inspector: SIGUSR1 would stop it, so it was not sent\./);
    await sleep(200);
    assert.equal(child.exitCode, null);
    assert.equal(child.signalCode, null);
  });

  it('a server that exits mid-capture ends it with a sentence, not a hang', async () => {
    const { pid, child } = await startServer();
    const t0 = Date.now();
    setTimeout(() => child.kill('SIGKILL'), 1500);
    const r = await captureCpuProfile({ pid, durationMs: 30_000, log });
    assert.ok(!r.ok);
    // On a loaded machine the kill may come while the inspector is still being opened.
    assert.match(r.message, new RegExp(`^Process ${pid} exited (during the CPU profile; nothing was written|while its inspector was being opened; nothing was captured)\\.$`));
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
  });

  it('refuses a duration outside 1–60 s and a pid that does not exist', async () => {
    assert.deepEqual(await captureCpuProfile({ pid: process.pid, durationMs: 61_000 }), { ok: false, message: 'A profile lasts from 1 s to 60 s, not 61 s.' });
    const r = await captureHeapDiff({ pid: 2 ** 22 + 12345, durationMs: 1000 });
    assert.ok(!r.ok);
    assert.match(r.message, /^No process with pid \d+ is running\.$/);
  });
});
