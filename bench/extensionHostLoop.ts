/**
 * A headless stand-in for the extension host's share of the monitor: the Monitor
 * at 1 Hz on the real clock, the status bar view rebuilt on every snapshot and by the
 * stale timer (StatusRefresh, as StatusBarController does), and the alert engine evaluating the default
 * rules each tick. Prints the CPU it used (self + reaped children) over `seconds`.
 * Mode `dashboard` is `linux` with the dashboard open: the extension's own
 * DashboardSession and MonitorDashboardSource, the page's `ready` (5 min range, a
 * 600 px plot) and every message serialised to JSON as the webview IPC does.
 * Mode `floor` is the physical floor of the same job at the same 1 Hz: the /proc files
 * through kept-open descriptors and a bare keep-alive GET of /metrics, nothing else —
 * what a tick costs on this machine when it only does its system calls, cold, once a
 * second (timers, the event loop and the kernel's loopback path included).
 * Mode `warm` is `linux` measured after it has run `warmSeconds` at 1 Hz unmeasured: a
 * monitor whose code the JIT has compiled, as a user lives with it after the first
 * minutes, rather than the first minute after start.
 * With `--parts` it also says where a tick's CPU went (Parts, below); without it nothing
 * inside the loop is timed.
 *   node out/bench/extensionHostLoop.js <linux|portable|dashboard|floor|warm> <seconds> <port> <diskPath> <pid> [warmSeconds] [--parts]
 */
import { AlertEngine } from '../src/core/alerts/engine';
import { compileAlertRules } from '../src/core/alerts/defaults';
import { systemClock } from '../src/core/clock';
import { Monitor } from '../src/core/monitor';
import { createMonitorDeps } from '../src/core/monitorDeps';
import { Emitter } from '../src/core/events';
import { buildStatusView } from '../src/core/statusView';
import { StatusRefresh } from '../src/core/statusRefresh';
import { HostToWebview } from '../src/shared/protocol';
import { DashboardSession } from '../src/vscode/dashboard/dashboardSession';
import { MonitorDashboardSource } from '../src/vscode/dashboard/monitorDashboardSource';
import { cpuWithChildrenUs, mainThreadCpuClock, reapedChildrenCpuUs, selfCpuUs, sleep } from './lib/measure';
import { LiveAnalysis } from '../src/core/analyze/liveAnalysis';
import * as parser from '../src/core/scrape/parser';
import * as promVerdict from '../src/core/scrape/promVerdict';
import { ScrapeDeriver } from '../src/core/scrape/derive';
import { SeriesStore } from '../src/core/store/seriesStore';
import { ProcfsProcessSampler } from '../src/core/process/processSampler';
import { ProcfsSystemSampler } from '../src/core/system/systemSampler';
import { PerformanceObserver } from 'node:perf_hooks';
import { configForPort, portableDeps } from './lib/realMonitor';
import { keptOpenFloorTick } from './collectionTick';
import { bareGet } from './scrapeFloor';

/**
 * CPU of the tick's synchronous parts, summed while `on`: each function below is
 * wrapped to add the CPU used while it ran (process.cpuUsage() before and after, ~1 µs
 * a call) to its part. That figure also holds what V8's compiler and GC helper
 * threads did meanwhile, so a part is an upper bound of its own cost while the JIT
 * compiles; a precise clock per thread is not in this Node. What is left — the HTTP
 * request and answer on the socket, timers, promises, the garbage collector outside
 * these calls, the event loop, and the other threads' work outside the parts — is the
 * difference from the process' CPU. A part called inside another (the verdict inside
 * the parse) is taken out of the outer one.
 */
class Parts {
  on = false;
  readonly us = new Map<string, number>();
  private nestedUs = 0;

  private readonly clock = selfCpuUs;

  add(part: string, us: number): void {
    this.us.set(part, (this.us.get(part) ?? 0) + us);
  }

  wrap<T extends object>(target: T, name: keyof T & string, part: string): void {
    const original = target[name] as unknown as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') throw new Error(`no ${name} to time`);
    const clock = this.clock;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const parts = this;
    (target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]): unknown {
      if (!parts.on) return original.apply(this, args);
      const outerNested = parts.nestedUs;
      parts.nestedUs = 0;
      const c0 = clock();
      try {
        return original.apply(this, args);
      } finally {
        const spent = clock() - c0;
        parts.add(part, spent - parts.nestedUs);
        parts.nestedUs = outerNested + spent;
      }
    };
  }

  /** Runs `f` as one part (taken out of a wrapped call it runs inside). */
  time(part: string, f: () => void): void {
    if (!this.on) return f();
    const outerNested = this.nestedUs;
    this.nestedUs = 0;
    const c0 = this.clock();
    try {
      f();
    } finally {
      const spent = this.clock() - c0;
      this.add(part, spent - this.nestedUs);
      this.nestedUs = outerNested + spent;
    }
  }
}

/**
 * With `--parts` the loop times the parts below; without it nothing is wrapped, so the
 * figure is the monitor alone. The wrappers cost CPU in the loop they measure: a
 * rest-args closure, `apply` and two process.cpuUsage() calls per call, ~20 calls a
 * tick, and a wrapped function is not inlined into its caller. The bench runs each
 * row's loop without them and, started together, the same loop with them for the
 * breakdown (issue 20).
 */
const withParts = process.argv.includes('--parts');
const parts = new Parts();
const mainThreadCpuUs = mainThreadCpuClock();
if (withParts) {
  parts.wrap(parser, 'parseExpositionBytes', 'parse');
  parts.wrap(promVerdict, 'prometheusVerdictOfBytes', 'verdict');
  parts.wrap(ScrapeDeriver.prototype, 'derive', 'derive (rates, quantiles)');
  parts.wrap(SeriesStore.prototype, 'append', 'store write');
  parts.wrap(LiveAnalysis.prototype, 'tick', 'live analysis');
  parts.wrap(AlertEngine.prototype, 'evaluate', 'alerts');
  parts.wrap(ProcfsProcessSampler.prototype, 'sampleNow', 'process /proc');
  parts.wrap(ProcfsSystemSampler.prototype as unknown as Record<string, unknown>, 'sampleWith', 'system /proc');
  // The open dashboard's share of a tick: what to send and building it (its JSON is the part below).
  parts.wrap(DashboardSession.prototype as unknown as Record<string, unknown>, 'onTick', 'dashboard host');
}

/** Ticks before measuring: module loading and the first scrape are activation, not steady state. */
const WARMUP_TICKS = 3;
const WINDOW_MS = 10_000;

/** CPU per 10 s window, ms per tick: the first windows carry the JIT's warm-up, the later ones the steady state. */
async function measureWindows(seconds: number, ticksNow: () => number): Promise<number[]> {
  const windowCpuMsPerTick: number[] = [];
  for (let left = seconds * 1000; left > 0; left -= WINDOW_MS) {
    const c = cpuWithChildrenUs();
    const n = ticksNow();
    await sleep(Math.min(WINDOW_MS, left));
    windowCpuMsPerTick.push((cpuWithChildrenUs() - c) / 1000 / Math.max(1, ticksNow() - n));
  }
  return windowCpuMsPerTick;
}

/** The floor at 1 Hz: kept-open /proc reads and a bare keep-alive GET, on a 1 s timer. */
async function floorLoop(seconds: number, port: number, diskPath: string, pid: number): Promise<void> {
  const read = keptOpenFloorTick(pid, diskPath);
  const http = bareGet(port);
  let ticks = 0;
  let bytes = 0;
  let failures = 0;
  const timer = setInterval(() => {
    read();
    // A keep-alive socket the server closes as the request goes out ends in "socket hang
    // up" (it crashed the loop in a clean-clone run): that GET is not a tick, and the
    // agent opens a new socket for the next one — as the monitor's own scraper does.
    http.get().then(
      (n) => {
        bytes = n;
        ticks++;
      },
      () => failures++,
    );
  }, 1000);
  while (ticks < WARMUP_TICKS) {
    await sleep(50);
  }
  const ticks0 = ticks;
  const cpu0 = cpuWithChildrenUs();
  const t0 = performance.now();
  const windowCpuMsPerTick = await measureWindows(seconds, () => ticks);
  const cpuUs = cpuWithChildrenUs() - cpu0;
  const wallMs = performance.now() - t0;
  clearInterval(timer);
  http.close();
  process.stdout.write(JSON.stringify({ mode: 'floor', seconds, wallMs, cpuUs, childCpuUs: 0, ticks: ticks - ticks0, renders: 0, scraped: bytes > 0, series: 0, windowCpuMsPerTick, failures }) + '\n');
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[3] ?? 60);
  const port = Number(process.argv[4]);
  const diskPath = process.argv[5] ?? process.cwd();
  if (process.argv[2] === 'floor') {
    return floorLoop(seconds, port, diskPath, Number(process.argv[6]));
  }
  const mode = process.argv[2] === 'portable' ? 'portable' : process.argv[2] === 'dashboard' ? 'dashboard' : process.argv[2] === 'warm' ? 'warm' : 'linux';
  const warmSeconds = mode === 'warm' ? Number(process.argv[7] ?? 0) : 0;
  const deps = mode === 'portable' ? portableDeps(diskPath) : createMonitorDeps({ diskPath });
  const monitor = new Monitor(deps);
  const config = configForPort(port);
  const { rules, problems } = compileAlertRules(undefined, true);
  if (problems.length > 0) {
    throw new Error(problems.join(' '));
  }
  const engine = new AlertEngine(rules, systemClock);
  let ticks = 0;
  let renders = 0;
  let textLength = 0;
  const renderView = (): void => {
    const snapshot = monitor.latestSnapshot;
    const view = buildStatusView({
      nowMs: Date.now(),
      intervalMs: config.sampleIntervalMs,
      name: config.target.name,
      target: monitor.targetState,
      snapshot,
      store: monitor.store,
      problems: snapshot?.problems ?? [],
      configProblems: [],
      alerts: engine.active().map((a) => ({ level: a.level, title: a.title })),
      restarts: monitor.restartCount,
    });
    renders++;
    textLength += view.text.length + view.tooltip.length;
  };
  const render = withParts ? (): void => parts.time('status bar', renderView) : renderView;
  const refresh = new StatusRefresh(systemClock, () => config.sampleIntervalMs, render);
  monitor.onSnapshot(() => {
    ticks++;
    engine.evaluate(monitor.store);
    refresh.snapshot();
  });
  let posted = 0;
  let postedChars = 0;
  const page = new Emitter<unknown>();
  const session =
    mode === 'dashboard'
      ? new DashboardSession(
          {
            postMessage(message: HostToWebview): PromiseLike<boolean> {
              posted++;
              if (withParts) parts.time('dashboard JSON', () => (postedChars += JSON.stringify(message).length));
              else postedChars += JSON.stringify(message).length;
              return Promise.resolve(true);
            },
            onDidReceiveMessage: page.event,
          },
          new MonitorDashboardSource(monitor, () => undefined, () => undefined, () => undefined),
          () => undefined,
        )
      : undefined;
  monitor.configure(config);
  monitor.start();
  page.fire({ type: 'ready', range: '5m', plotWidthPx: 600 });
  while (ticks < WARMUP_TICKS) {
    await sleep(50);
  }
  if (warmSeconds > 0) await sleep(warmSeconds * 1000);
  const ticks0 = ticks;
  const cpu0 = cpuWithChildrenUs();
  const kids0 = reapedChildrenCpuUs();
  const t0 = performance.now();
  // The GC observer makes an entry object per collection: with the parts only.
  let gcMs = 0;
  const gc = withParts
    ? new PerformanceObserver((list) => {
        for (const e of list.getEntries()) gcMs += e.duration;
      })
    : undefined;
  gc?.observe({ entryTypes: ['gc'] });
  const main0 = mainThreadCpuUs?.() ?? NaN;
  parts.on = true;
  const windowCpuMsPerTick = await measureWindows(seconds, () => ticks);
  parts.on = false;
  gc?.disconnect();
  const mainUs = (mainThreadCpuUs?.() ?? NaN) - main0;
  const cpuUs = cpuWithChildrenUs() - cpu0;
  const childCpuUs = reapedChildrenCpuUs() - kids0;
  const wallMs = performance.now() - t0;
  const measuredTicks = ticks - ticks0;
  const partsMsPerTick: Record<string, number> = {};
  let inParts = 0;
  for (const [part, us] of parts.us) {
    partsMsPerTick[part] = us / 1000 / Math.max(1, measuredTicks);
    inParts += us;
  }
  const perTick = (us: number): number => us / 1000 / Math.max(1, measuredTicks);
  if (withParts) partsMsPerTick['rest (HTTP, timers, promises, event loop, GC and other threads outside the parts)'] = perTick(cpuUs - inParts);
  // The whole process' CPU split by thread (each part above mixes both).
  if (Number.isFinite(mainUs)) {
    partsMsPerTick['of the whole: main thread'] = perTick(mainUs);
    partsMsPerTick['of the whole: other threads (V8 compiler and GC helpers, libuv pool)'] = perTick(cpuUs - mainUs);
  }
  // Pauses of the main thread, wherever they fell (inside a part or not).
  if (withParts) partsMsPerTick['of the whole: garbage collection pauses on the main thread'] = gcMs / Math.max(1, measuredTicks);
  refresh.dispose();
  session?.dispose();
  const scraped = monitor.latestSnapshot?.samples.some((s) => s.name === 'scrape_up' && s.value === 1) ?? false;
  await monitor.stop();
  monitor.dispose();
  process.stdout.write(
    JSON.stringify({ mode, withParts, seconds, warmSeconds, wallMs, cpuUs, childCpuUs, ticks: measuredTicks, renders, posted, postedChars, scraped, series: monitor.store.seriesCount, textLength, windowCpuMsPerTick, partsMsPerTick }) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }) + '\n');
});
