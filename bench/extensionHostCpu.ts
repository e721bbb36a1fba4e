/**
 * Extension-host CPU over 60 s of 1 Hz collection with the status bar live, measured
 * in four processes started together so the same noise hits all: ours (/proc), ours
 * with the dashboard open, the same loop on pidusage + systeminformation, and the
 * physical floor of the job at the same 1 Hz (kept-open /proc reads and a bare
 * keep-alive GET of /metrics, nothing else) — and a fifth, started with them, that
 * runs WARM_SECONDS before it measures its 60 s: the same monitor once the JIT has
 * compiled it, the steady state a user lives with after the first minutes.
 * Budgets (issue 20): 0.2% of one core, 0.5% with the dashboard open; against the
 * floor at 1 Hz, the 1.5× for a whole tick. The 0.2% is judged on
 * extensionHost.cpu, the first minute after start, as the row was defined when the
 * issue was filed; extensionHost.cpuWarm gives the same figure later in the run, under
 * the same budget, and does not replace it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Monitor } from '../src/core/monitor';
import { createMonitorDeps } from '../src/core/monitorDeps';
import { parseConfig, RawSettings } from '../src/core/config';
import { requireTarget } from './lib/context';
import { selfCpuUs } from './lib/measure';
import { BenchContext, BenchRow } from './lib/row';

const execFileAsync = promisify(execFile);
const BUDGET_PERCENT_OF_CORE = 0.2;
const DASHBOARD_BUDGET_PERCENT_OF_CORE = 0.5;
const FLOOR_BUDGET_RATIO = 1.5;
/** How long the warm loop runs at 1 Hz before it measures (smoke: 2 s). */
const WARM_SECONDS = 180;

interface LoopResult {
  readonly mode: string;
  readonly wallMs: number;
  readonly cpuUs: number;
  readonly childCpuUs: number;
  readonly ticks: number;
  readonly renders: number;
  /** Dashboard mode: messages posted to the page, and their JSON size. */
  readonly posted?: number;
  readonly postedChars?: number;
  readonly scraped: boolean;
  readonly series: number;
  /** CPU ms per tick in each 10 s window, in order. */
  readonly windowCpuMsPerTick: readonly number[];
  /** Where a tick's CPU went (ms per tick; see Parts in extensionHostLoop.ts). */
  readonly partsMsPerTick?: Readonly<Record<string, number>>;
  readonly error?: string;
}

async function loop(ctx: BenchContext, mode: 'linux' | 'portable' | 'dashboard' | 'floor' | 'warm', seconds: number, port: number, pid: number, warmSeconds = 0, withParts = false): Promise<LoopResult> {
  const script = path.join(ctx.repoRoot, 'out', 'bench', 'extensionHostLoop.js');
  const args = [script, mode, String(seconds), String(port), ctx.repoRoot, String(pid), String(warmSeconds), ...(withParts ? ['--parts'] : [])];
  const { stdout } = await execFileAsync(process.execPath, args, {
    timeout: (seconds + warmSeconds + 60) * 1000,
  });
  const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LoopResult;
  if (r.error) {
    throw new Error(`the ${mode} loop failed: ${r.error}`);
  }
  return r;
}

/** "part 1.23, part 0.45, …" in ms per tick, largest first. */
function partsText(r: LoopResult): string {
  const parts = Object.entries(r.partsMsPerTick ?? {});
  if (parts.length === 0) return 'not measured';
  const whole = parts.filter(([k]) => k.startsWith('of the whole'));
  const each = parts.filter(([k]) => !k.startsWith('of the whole')).sort((a, b) => b[1] - a[1]);
  return [...each, ...whole].map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
}

/** The row loop's own split by thread, then the parts from its twin loop that timed them. */
function whereText(row: LoopResult, timed: LoopResult): string {
  return (
    `this loop (nothing timed inside): ${partsText(row)}; ` +
    `parts, ms per tick, from the same loop with each part timed (started together; ${percentOfCore(timed).toFixed(2)}% of a core with the timing): ${partsText(timed)}`
  );
}

/** CPU as a percentage of one core over the measured wall time. */
function percentOfCore(r: LoopResult): number {
  return (r.cpuUs / 1000 / r.wallMs) * 100;
}

/**
 * Where a tick's CPU goes, from back-to-back ticks of the real Monitor with scraping
 * on and off (differences of whole ticks: async sources overlap, so per-source
 * timers would misattribute). Runs after the loops, so it does not disturb them.
 */
async function breakdown(port: number, diskPath: string, ticks: number): Promise<Record<string, number>> {
  const perTick = async (raw: RawSettings): Promise<number> => {
    const monitor = new Monitor(createMonitorDeps({ diskPath }));
    monitor.configure(parseConfig(raw).config);
    for (let i = 0; i < 5; i++) {
      await monitor.tickNow();
    }
    const c0 = selfCpuUs();
    for (let i = 0; i < ticks; i++) {
      await monitor.tickNow();
    }
    const us = (selfCpuUs() - c0) / ticks;
    monitor.dispose();
    return us;
  };
  const full = await perTick({ 'target.port': port });
  const noScrape = await perTick({ 'target.port': port, 'metrics.url': '' });
  return { tickCpuUs: full, tickWithoutScrapeCpuUs: noScrape, scrapeCpuUs: full - noScrape };
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const { port, pid } = requireTarget(ctx);
  const seconds = ctx.smoke ? 2 : 60;
  const warmSeconds = ctx.smoke ? 2 : WARM_SECONDS;
  const [ours, libs, dash, floor, warm, oursTimed, dashTimed, warmTimed] = await Promise.all([
    loop(ctx, 'linux', seconds, port, pid),
    loop(ctx, 'portable', seconds, port, pid),
    loop(ctx, 'dashboard', seconds, port, pid),
    loop(ctx, 'floor', seconds, port, pid),
    loop(ctx, 'warm', seconds, port, pid, warmSeconds),
    loop(ctx, 'linux', seconds, port, pid, 0, true),
    loop(ctx, 'dashboard', seconds, port, pid, 0, true),
    loop(ctx, 'warm', seconds, port, pid, warmSeconds, true),
  ]);
  if (!ours.scraped) {
    throw new Error(`the loop never scraped http://127.0.0.1:${port}/metrics, so the figure would leave the scrape out.`);
  }
  const parts = await breakdown(port, ctx.repoRoot, ctx.smoke ? 3 : 100);
  const oursPct = percentOfCore(ours);
  const libsPct = percentOfCore(libs);
  const dashPct = percentOfCore(dash);
  const floorPct = percentOfCore(floor);
  const warmPct = percentOfCore(warm);
  // The absolute budgets can sit below what this machine's floor of the same job costs;
  // each row then says so, with its ratio to that floor measured in the same run.
  const againstFloor = (pct: number, budget: number): string =>
    `${(pct / floorPct).toFixed(2)}× the same-run floor (${floorPct.toFixed(2)}% of a core: kept-open /proc reads + a bare keep-alive GET at 1 Hz)` +
    (floorPct > budget ? `; the ${budget}% budget is below that floor on this machine, so only the ratio can hold here` : '');
  return [
    {
      id: 'extensionHost.cpu',
      figure: `extension-host CPU, ${seconds} s of 1 Hz collection + status bar + alerts`,
      ours: { value: oursPct, unit: '% of a core', what: `${(ours.cpuUs / 1000).toFixed(0)} ms CPU, ${ours.ticks} ticks` },
      comparison: { label: 'pidusage+si', value: libsPct, unit: '% of a core' },
      ratio: libsPct / oursPct,
      ratioMeaning: 'theirs ÷ ours',
      budget: { text: `≤ ${BUDGET_PERCENT_OF_CORE}% of one core`, holds: oursPct <= BUDGET_PERCENT_OF_CORE },
      note:
        `real chat server on 127.0.0.1:${port} with /metrics scraped (${ours.series} series); ${(ours.cpuUs / 1000 / ours.ticks).toFixed(2)} ms CPU per tick at 1 Hz; ` +
        `back-to-back ticks: ${(parts.tickCpuUs! / 1000).toFixed(2)} ms, of which the scrape ${(parts.scrapeCpuUs! / 1000).toFixed(2)} ms; ` +
        `per 10 s window: ${ours.windowCpuMsPerTick.map((v) => v.toFixed(1)).join(', ')} ms/tick (the first carries the JIT warm-up); ` +
        `at 1 Hz, ms per tick: ${whereText(ours, oursTimed)}; ` +
        `${againstFloor(oursPct, BUDGET_PERCENT_OF_CORE)}.`,
      raw: { ours, oursTimed, pidusageSi: libs, seconds, breakdownCpuUs: parts, ratioToFloor: oursPct / floorPct, floorPercentOfCore: floorPct },
    },
    {
      id: 'extensionHost.cpuDashboard',
      figure: `extension-host CPU, the same with the dashboard open (5 min range, 600 px plot)`,
      ours: { value: dashPct, unit: '% of a core', what: `${(dash.cpuUs / 1000).toFixed(0)} ms CPU, ${dash.ticks} ticks` },
      comparison: { label: 'closed', value: oursPct, unit: '% of a core' },
      ratio: dashPct / oursPct,
      ratioMeaning: 'open ÷ closed (same run, started together)',
      budget: { text: `≤ ${DASHBOARD_BUDGET_PERCENT_OF_CORE}% of one core`, holds: dashPct <= DASHBOARD_BUDGET_PERCENT_OF_CORE },
      note: `the extension's DashboardSession + MonitorDashboardSource, every message JSON-serialised as the webview IPC does; ${dash.posted ?? 0} messages, ${((dash.postedChars ?? 0) / 1024).toFixed(0)} KiB of JSON in ${seconds} s; ${(dash.cpuUs / 1000 / Math.max(1, dash.ticks)).toFixed(2)} ms CPU per tick; the page's own (Chromium) cost is the dashboard.* rows; ms per tick: ${whereText(dash, dashTimed)}; ${againstFloor(dashPct, DASHBOARD_BUDGET_PERCENT_OF_CORE)}.`,
      raw: { dashboard: dash, dashboardTimed: dashTimed, ratioToFloor: dashPct / floorPct, floorPercentOfCore: floorPct },
    },
    {
      id: 'extensionHost.cpuWarm',
      figure: `extension-host CPU, the same ${seconds} s after ${warmSeconds} s of running (the JIT has compiled the monitor)`,
      ours: { value: warmPct, unit: '% of a core', what: `${(warm.cpuUs / 1000).toFixed(0)} ms CPU, ${warm.ticks} ticks` },
      comparison: { label: 'first minute', value: oursPct, unit: '% of a core' },
      ratio: warmPct / oursPct,
      ratioMeaning: 'warmed up ÷ first minute (same run, started together)',
      budget: { text: `≤ ${BUDGET_PERCENT_OF_CORE}% of one core`, holds: warmPct <= BUDGET_PERCENT_OF_CORE },
      note:
        `the steady state a user lives with after the first minutes; the issue's budget is judged on extensionHost.cpu (the first minute after start, as the row was defined when the issue was filed), and this row does not replace it; ` +
        `${(warm.cpuUs / 1000 / Math.max(1, warm.ticks)).toFixed(2)} ms CPU per tick; per 10 s window: ${warm.windowCpuMsPerTick.map((v) => v.toFixed(1)).join(', ')} ms/tick; ` +
        `ms per tick: ${whereText(warm, warmTimed)}; ${(warmPct / floorPct).toFixed(2)}× the same-run floor (measured in the first minute).`,
      raw: { warm, warmTimed, warmSeconds, ratioToFloor: warmPct / floorPct, floorPercentOfCore: floorPct },
    },
    {
      id: 'extensionHost.cpuFloor',
      figure: 'extension-host CPU at 1 Hz vs the physical floor at 1 Hz (kept-open /proc reads + a bare keep-alive GET, nothing else)',
      ours: { value: oursPct, unit: '% of a core' },
      comparison: { label: 'floor', value: floorPct, unit: '% of a core', what: `${(floor.cpuUs / 1000 / Math.max(1, floor.ticks)).toFixed(2)} ms/tick` },
      ratio: oursPct / floorPct,
      ratioMeaning: 'ours ÷ floor (same run, started together)',
      budget: { text: `≤ ${FLOOR_BUDGET_RATIO}× floor`, holds: oursPct / floorPct <= FLOOR_BUDGET_RATIO },
      note: `what a tick costs when it only makes its system calls, once a second, cold (timers, event loop, the kernel's loopback path); per 10 s window: ${floor.windowCpuMsPerTick.map((v) => v.toFixed(2)).join(', ')} ms/tick.`,
      raw: { floor },
    },
  ];
}
