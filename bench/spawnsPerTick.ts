/**
 * Child processes started per tick by the real Monitor sources (process, system and
 * scrape, on a real chat server), counted two ways:
 *   - in this process, by wrapping every node:child_process entry point before the
 *     core loads; the same count for the pidusage + systeminformation sources is the
 *     comparison;
 *   - by the kernel: `strace -f -e trace=execve,fork,vfork,clone,clone3` around a
 *     separate process running the same ticks (thread clones are not processes).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireTarget } from './lib/context';
import { BenchContext, BenchRow } from './lib/row';
import { installSpawnCounter } from './lib/spawnCounter';

const execFileAsync = promisify(execFile);

/** Process creations in an strace log: execve after the first (node itself) and non-thread clones. */
export function processCreations(straceLog: string): { execve: number; forks: number } {
  let execve = 0;
  let forks = 0;
  for (const line of straceLog.split('\n')) {
    if (/\bexecve\(/.test(line)) {
      execve++;
    } else if (/\b(clone3?|v?fork)\(/.test(line) && !line.includes('CLONE_THREAD')) {
      forks++;
    }
  }
  return { execve: Math.max(0, execve - 1), forks };
}

async function straceCount(ctx: BenchContext, port: number, ticks: number): Promise<{ execve: number; forks: number; ticks: number } | string> {
  const strace = ['/usr/bin/strace', '/bin/strace'].find((p) => existsSync(p));
  if (!strace) {
    return 'strace is not installed, so only the in-process count is given.';
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-bench-strace-'));
  const log = path.join(dir, 'strace.log');
  try {
    const child = path.join(ctx.repoRoot, 'out', 'bench', 'monitorTicks.js');
    await execFileAsync(strace, ['-f', '-qq', '-e', 'trace=execve,fork,vfork,clone,clone3', '-o', log, process.execPath, child, String(port), String(ticks), ctx.repoRoot], {
      timeout: 120_000,
    });
    return { ...processCreations(readFileSync(log, 'utf8')), ticks };
  } catch (e) {
    return `strace could not trace the tick process (${e instanceof Error ? e.message.split('\n')[0] : String(e)}), so only the in-process count is given.`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const counter = installSpawnCounter();
  // Loaded only now, so every module sees the wrapped child_process.
  const { Monitor } = await import('../src/core/monitor');
  const { createMonitorDeps } = await import('../src/core/monitorDeps');
  const { configForPort, portableDeps } = await import('./lib/realMonitor');
  const { Metric } = await import('../src/core/model');
  const { port } = requireTarget(ctx);
  const ticks = ctx.smoke ? 3 : 100;
  const libsTicks = ctx.smoke ? 2 : 20;

  const countTicks = async (deps: ConstructorParameters<typeof Monitor>[0], n: number) => {
    const monitor = new Monitor(deps);
    monitor.configure(configForPort(port));
    const before = counter.total;
    const byNameBefore = { ...counter.byName };
    let scraped = 0;
    for (let i = 0; i < n; i++) {
      await monitor.tickNow();
      scraped += monitor.latestSnapshot?.samples.some((s) => s.name === Metric.scrapeUp && s.value === 1) ? 1 : 0;
    }
    monitor.dispose();
    const byName = Object.fromEntries(Object.entries(counter.byName).map(([k, v]) => [k, v - (byNameBefore[k] ?? 0)]).filter(([, v]) => v !== 0));
    return { spawns: counter.total - before, ticks: n, scrapedTicks: scraped, byName };
  };

  const ours = await countTicks(createMonitorDeps({ diskPath: ctx.repoRoot }), ticks);
  const libs = await countTicks(portableDeps(ctx.repoRoot), libsTicks);
  counter.uninstall();
  if (ours.scrapedTicks === 0) {
    throw new Error(`No tick scraped http://127.0.0.1:${port}/metrics: the spawn count would not cover the scrape source.`);
  }
  const traced = await straceCount(ctx, port, ticks);
  const tracedSpawns = typeof traced === 'string' ? 0 : traced.execve + traced.forks;
  const oursPerTick = ours.spawns / ours.ticks;
  return [
    {
      id: 'spawns.perTick',
      figure: 'child processes per tick (Linux)',
      ours: { value: oursPerTick, unit: '/tick', what: `${ours.spawns} in ${ours.ticks} ticks` },
      comparison: { label: 'pidusage+si', value: libs.spawns / libs.ticks, unit: '/tick', what: `${libs.spawns} in ${libs.ticks} ticks` },
      ratioMeaning: 'not a ratio: the budget is an absolute zero',
      budget: { text: '0', holds: ours.spawns === 0 && tracedSpawns === 0 },
      note:
        typeof traced === 'string'
          ? traced
          : `strace -f agrees: ${traced.execve} execve + ${traced.forks} fork/clone (non-thread) over ${traced.ticks} ticks in a separate process.`,
      raw: { ours, pidusageSi: libs, strace: traced },
    },
  ];
}
