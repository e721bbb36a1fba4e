import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Metric } from '../../../src/core/model';
import {
  cpuPercentBetween,
  createProcessSampler,
  ProcessSampleResult,
  ProcessStats,
  processStatsToSamples,
  ProcfsProcessSampler,
} from '../../../src/core/process/processSampler';
import { killAllChildren, sleep, startNode, startZombie, stopChild } from './helpers/children';

function ok(r: ProcessSampleResult): ProcessStats {
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return (r as { stats: ProcessStats }).stats;
}

const IDLE = 'setInterval(() => {}, 1000); console.log("up"); process.stdin.on("data", () => {});';
const BUSY = 'console.log("up"); for (;;) {}';
/** Spins, but every 10 ms answers a stdin line with its own user+system CPU ms (getrusage). */
const SPIN_REPORTING = `console.log('up');
  require('readline').createInterface({ input: process.stdin }).on('line', () => {
    const u = process.cpuUsage(); console.log((u.user + u.system) / 1000);
  });
  (function spin() { const t = Date.now(); while (Date.now() - t < 10) {} setImmediate(spin); })();`;

describe('ProcfsProcessSampler (real processes)', function () {
  this.timeout(30_000);

  afterEach(killAllChildren);

  it('is what createProcessSampler returns on Linux', () => {
    assert.ok(createProcessSampler({}, 'linux') instanceof ProcfsProcessSampler);
    assert.ok(!(createProcessSampler({}, 'win32') instanceof ProcfsProcessSampler));
  });

  it('CPU % is undefined on the first sample, then matches the child\'s own getrusage; an idle child is about 0', async () => {
    // Other work on this machine decides how much CPU a busy loop gets, so the
    // busy figure is checked against the child's own account of the same interval.
    const busy = startNode(SPIN_REPORTING);
    const idle = startNode(IDLE);
    await Promise.all([busy.nextLine(), idle.nextLine()]);
    const sampler = new ProcfsProcessSampler();
    const cpuMsOf = async (): Promise<number> => {
      busy.send('cpu');
      return Number(await busy.nextLine());
    };
    const c0 = await cpuMsOf();
    const t0 = performance.now();
    assert.equal(ok(await sampler.sample(busy.pid, Date.now())).cpuPercent, undefined);
    assert.equal(ok(await sampler.sample(idle.pid, Date.now())).cpuPercent, undefined);
    await sleep(2000);
    const b = ok(await sampler.sample(busy.pid, Date.now())).cpuPercent!;
    const t1 = performance.now();
    const c1 = await cpuMsOf();
    const i = ok(await sampler.sample(idle.pid, Date.now())).cpuPercent!;
    const expected = ((c1 - c0) / (t1 - t0)) * 100;
    assert.ok(Math.abs(b - expected) < 10, `busy ${b} vs getrusage ${expected}`);
    assert.ok(b > 15, `busy ${b}`);
    assert.ok(i >= 0 && i < 10, `idle ${i}`);
  });

  it('divides CPU time by the monotonic time it is given, not by the tick clock', async () => {
    const busy = startNode(BUSY);
    await busy.nextLine();
    // The same interval seen by a clock running ten times too fast: a tenth of the percentage.
    const real = new ProcfsProcessSampler();
    const fast = new ProcfsProcessSampler({ monotonicMs: () => performance.now() * 10 });
    await Promise.all([real.sample(busy.pid, 0), fast.sample(busy.pid, 0)]);
    await sleep(1000);
    const [r, f] = await Promise.all([real.sample(busy.pid, 0), fast.sample(busy.pid, 0)]);
    const realPct = ok(r).cpuPercent!;
    const fastPct = ok(f).cpuPercent!;
    assert.ok(realPct > 5, `${realPct}`);
    assert.ok(Math.abs(fastPct - realPct / 10) < 0.15 * (realPct / 10) + 0.5, `${fastPct} vs ${realPct}`);
  });

  it('forget() drops the CPU baseline', async () => {
    const idle = startNode(IDLE);
    await idle.nextLine();
    const sampler = new ProcfsProcessSampler();
    ok(await sampler.sample(idle.pid, 0));
    sampler.forget(idle.pid);
    assert.equal(ok(await sampler.sample(idle.pid, 0)).cpuPercent, undefined);
  });

  it('RSS equals VmRSS (and ps RSS) within 1%', async () => {
    const idle = startNode(IDLE);
    await idle.nextLine();
    const s = ok(await new ProcfsProcessSampler().sample(idle.pid, 0));
    const vmRssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${idle.pid}/status`, 'utf8'))![1]);
    const psKb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(idle.pid)], { encoding: 'utf8' }).trim());
    assert.ok(Math.abs(s.rssBytes - vmRssKb * 1024) / (vmRssKb * 1024) < 0.01, `${s.rssBytes} vs VmRSS ${vmRssKb} kB`);
    assert.ok(Math.abs(s.rssBytes - psKb * 1024) / (psKb * 1024) < 0.01, `${s.rssBytes} vs ps ${psKb} kB`);
  });

  it('counts open fds, which grow when the child opens files; threads, limit and uptime match ps and ulimit', async () => {
    const code = `console.log('up');
      const fs = require('fs'); const held = [];
      require('readline').createInterface({ input: process.stdin }).on('line', () => {
        for (let i = 0; i < 10; i++) held.push(fs.openSync('/dev/null', 'r'));
        console.log('opened');
      });`;
    const started = Date.now();
    const child = startNode(code);
    await child.nextLine();
    const sampler = new ProcfsProcessSampler();
    const before = ok(await sampler.sample(child.pid, 0));
    child.send('open');
    assert.equal(await child.nextLine(), 'opened');
    const after = ok(await sampler.sample(child.pid, 0));
    assert.equal(after.openFds! - before.openFds!, 10);
    assert.equal(after.maxFds, Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()));
    assert.equal(after.threads, Number(execFileSync('ps', ['-o', 'nlwp=', '-p', String(child.pid)], { encoding: 'utf8' }).trim()));
    assert.ok(after.uptimeSeconds >= 0 && after.uptimeSeconds < (Date.now() - started) / 1000 + 1, `${after.uptimeSeconds}`);
    assert.ok(Math.abs(after.startTimeMs - started) < 3000);
  });

  it('reports "gone" for a process that exited, and for a zombie', async () => {
    const idle = startNode(IDLE);
    await idle.nextLine();
    const sampler = new ProcfsProcessSampler();
    ok(await sampler.sample(idle.pid, 0));
    await stopChild(idle);
    assert.deepEqual(await sampler.sample(idle.pid, 0), { kind: 'gone', pid: idle.pid, message: `The process with pid ${idle.pid} has exited.` });
    const zombie = await startZombie();
    const z = await sampler.sample(zombie, 0);
    assert.equal(z.kind, 'gone');
    assert.match((z as { message: string }).message, /zombie/);
  });

  it('cpuPercentBetween: CPU seconds over wall seconds × 100; nothing for no time or a counter going back', () => {
    assert.equal(cpuPercentBetween(10, 0, 12, 4000), 50);
    assert.equal(cpuPercentBetween(10, 0, 14, 2000), 200);
    assert.equal(cpuPercentBetween(10, 1000, 11, 1000), undefined);
    assert.equal(cpuPercentBetween(10, 0, 9, 1000), undefined);
  });

  it('turns stats into samples under the Metric names, leaving out unknown values', () => {
    const samples = processStatsToSamples({
      pid: 1,
      cpuPercent: undefined,
      rssBytes: 1000,
      openFds: 12,
      maxFds: undefined,
      threads: 7,
      uptimeSeconds: 3,
      startTimeMs: 0,
    });
    assert.deepEqual(
      samples.map((s) => [s.name, s.value]),
      [
        [Metric.processRssBytes, 1000],
        [Metric.processOpenFds, 12],
        [Metric.processThreads, 7],
        [Metric.processUptimeSeconds, 3],
      ],
    );
    assert.ok(samples.every((s) => Object.keys(s.labels).length === 0));
  });
});
