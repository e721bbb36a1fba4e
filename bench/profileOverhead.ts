/**
 * What a CPU profile costs the server it profiles: the example chat server's
 * throughput while a CPU profile is being captured, against the same server
 * unprofiled, in the same run. Throughput is messages handled (chat_messages_total,
 * from its own /metrics) per second of the server's CPU (utime + stime from
 * /proc/PID/stat, the profiler's sampling thread included): what one core of it can
 * carry. Per CPU-second, not per wall second, because this machine is shared: a
 * saturated server's wall rate measures the other tenants, and its event loop falls
 * so far behind that /metrics itself waits for minutes. The load is fixed and below
 * saturation (cpu-burn, 2 ms of CPU a message, 100 msg/s offered); windows alternate
 * (plain, profiled, …) so drift falls on both sides. A profiled window runs from
 * before the attach to after the inspector is closed again, so SIGUSR1, the
 * connection and the deoptimisation are in its cost.
 */
import fs from 'node:fs';
import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { BenchContext, BenchRow } from './lib/row';

const ROW_ID = 'profile.throughput';

function startServer(repoRoot: string): Promise<{ child: ChildProcess; pid: number; port: number }> {
  const serverJs = path.join(repoRoot, 'examples', 'chat-server', 'server.js');
  // --inspect-port=0: SIGUSR1 opens the inspector on a free port (9229 may be another process's).
  const child = spawn(process.execPath, ['--inspect-port=0', serverJs, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume();
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the example chat server did not start within 20 s')), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.resume();
        resolve({ child, pid: child.pid!, port: Number(m[1]) });
      }
    });
    child.once('exit', (code) => reject(new Error(`the example chat server exited (${code}) before listening: ${out}`)));
  });
}

function messagesTotal(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${port}/metrics`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          const m = /^chat_messages_total(?:\{[^}]*\})? ([\d.e+]+)/m.exec(body);
          if (m) resolve(Number(m[1]));
          else reject(new Error('chat_messages_total is not in the server\'s /metrics'));
        });
      })
      .on('error', reject)
      .setTimeout(60_000, function (this: http.ClientRequest) {
        this.destroy(new Error('the server\'s /metrics did not answer within 60 s (starved by other work on the machine)'));
      });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds the process has used (user + system), from /proc/PID/stat. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime) in clock ticks; after the comm they are at 11 and 12.
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Messages handled and CPU seconds used, as a reading to subtract from a later one. */
async function reading(pid: number, port: number): Promise<{ messages: number; cpuS: number; atMs: number }> {
  return { messages: await messagesTotal(port), cpuS: cpuSeconds(pid), atMs: performance.now() };
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const { captureCpuProfile } = await import('../src/core/profile/capture');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runLoad } = require(path.join(ctx.repoRoot, 'examples', 'load', 'load.js')) as {
    runLoad(o: Record<string, unknown>): Promise<{ ok: boolean; error?: string }>;
  };
  const windowMs = ctx.smoke ? 1000 : 10_000;
  const rounds = ctx.smoke ? 1 : 3;
  const server = await startServer(ctx.repoRoot);
  const ac = new AbortController();
  const load = runLoad({
    url: `ws://127.0.0.1:${server.port}`,
    scenario: 'cpu-burn',
    users: 20,
    rate: 5,
    cpuWorkMs: 2,
    durationMs: 30 * 60 * 1000,
    signal: ac.signal,
    log: () => undefined,
  });
  const plain: number[] = [];
  const profiled: number[] = [];
  const plainWall: number[] = [];
  const profiledWall: number[] = [];
  const profiledWallMs: number[] = [];
  let failure: string | undefined;
  const window = async (profile: boolean): Promise<void> => {
    const a = await reading(server.pid, server.port);
    if (profile) {
      const r = await captureCpuProfile({ pid: server.pid, durationMs: windowMs, workspaceRoots: [ctx.repoRoot] });
      if (!r.ok) failure = r.message;
    } else {
      await sleep(windowMs);
    }
    const b = await reading(server.pid, server.port);
    const perCpuS = (b.messages - a.messages) / Math.max(0.01, b.cpuS - a.cpuS);
    const perWallS = (b.messages - a.messages) / ((b.atMs - a.atMs) / 1000);
    (profile ? profiled : plain).push(perCpuS);
    (profile ? profiledWall : plainWall).push(perWallS);
    if (profile) profiledWallMs.push(b.atMs - a.atMs);
  };
  try {
    await sleep(ctx.smoke ? 1000 : 5000); // connections up, JIT warm
    for (let i = 0; i < rounds && !failure; i++) {
      await window(false);
      await window(true);
    }
  } finally {
    ac.abort();
    await load.catch(() => undefined);
    server.child.kill('SIGKILL');
  }
  if (failure) {
    throw new Error(`the profile failed: ${failure}`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ours = median(profiled);
  const base = median(plain);
  const ratio = ours / base;
  return [
    {
      id: ROW_ID,
      figure: 'Example server throughput while a CPU profile is captured (messages per CPU-second, 2 ms CPU a message)',
      ours: { value: ours, unit: 'msg/CPU-s', what: 'profiled' },
      comparison: { label: 'not profiled', value: base, unit: 'msg/CPU-s' },
      ratio,
      ratioMeaning: 'profiled / not profiled throughput (1 = no cost)',
      budget: { text: '≥ 0.8× (a profile costs ≤ 20%)', holds: ratio >= 0.8 },
      note: `medians of ${rounds} alternating ${windowMs / 1000} s windows each at 100 msg/s offered; profiled windows include attach and close (${profiledWallMs.map((w) => (w / 1000).toFixed(1)).join(', ')} s wall); per CPU-second plain ${plain.map((x) => x.toFixed(0)).join(', ')}, profiled ${profiled.map((x) => x.toFixed(0)).join(', ')}; delivered per wall second plain ${plainWall.map((x) => x.toFixed(0)).join(', ')}, profiled ${profiledWall.map((x) => x.toFixed(0)).join(', ')}`,
      raw: { plain, profiled, plainWall, profiledWall, profiledWallMs, windowMs, rounds },
    },
  ];
}
