/**
 * Peak RSS (VmHWM, the kernel's high-water mark of this process) of the watcher under
 * two loads, each in a fresh process (`npm run bench` runs one per id):
 *
 * - memoryWatcher: the real Monitor (real /proc sources, real scraper over loopback
 *   HTTP) watching a server that exposes 100,000 series, with the default settings
 *   (10,000 series kept, 60 min of history at 1 Hz = 3,600 samples a series, the
 *   default history budget), ticking once a second on its own timer as a watcher
 *   does, until the budget has been full for a minute (~4–5 min of ticks: a real
 *   watcher's whole rise to its budget and a minute past it, so its peak is in the run).
 *   The peak is the process's whole VmHWM: nothing is reset or left out.
 * - memoryWatcherFastFill (stress, not the issue's measure): the same watcher for 100
 *   ticks, each tick's samples appended again FILL_EXTRA times before the next, so the
 *   budget fills in ~55 s instead of ~4 min (this row's method until issue 11's stop of
 *   2026-12-01). It fills the store while V8 still keeps its young generation at its
 *   32 MiB maximum after the first scrape of 10,000 new series (V8 shrinks it only once
 *   the allocation rate has stayed low, at ~8 s quiet, up to ~65 s under load), which
 *   a watcher at 1 Hz does not: its store holds ~2 MiB then. So it reads up to ~one
 *   young generation (16–32 MB) above a watcher, the more the more loaded the machine.
 *   Ticks back to back (the method before that) measured 185 MB.
 * - memoryDay: what `report --duration 24h` holds at its end on the example server —
 *   the example server's series (scraped once from the real server) plus the monitor's
 *   own, 86,400 ticks appended to the store the CLI makes for 24 h, then the analysis
 *   and the report over the whole day.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { analyze } from '../src/core/analyze/analyzer';
import { parseConfig } from '../src/core/config';
import { Metric, Sample } from '../src/core/model';
import { Monitor } from '../src/core/monitor';
import { createMonitorDeps } from '../src/core/monitorDeps';
import { renderMarkdown } from '../src/core/report/markdown';
import { buildReport } from '../src/core/report/reportData';
import { Scraper } from '../src/core/scrape/scraper';
import { SeriesStore, SourceSpan } from '../src/core/store/seriesStore';
import { systemClock } from '../src/core/clock';
import { SETTINGS } from '../src/core/settings/settings';
import { BenchContext, BenchRow, skippedRow } from './lib/row';

const MB = 1e6;
const BUDGET_MB = 150;

/** The kernel's peak resident set of this process, bytes. */
function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

const WIDE_SERVER = `
const http = require('node:http');
const n = Number(process.argv[1]);
let body = '# TYPE chat_user_messages gauge\\n';
for (let i = 0; i < n; i++) body += 'chat_user_messages{user="u' + i + '"} ' + (i % 97) + '\\n';
http.createServer((req, res) => { res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }); res.end(body); })
  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

/** Appends of each tick's samples between it and the next (the stress row): the budget fills in ~55 s of ticks at 1 Hz. */
const FILL_EXTRA = 5;
/** The real-rate row's ticks after the store's budget is first full (it capped a series). */
const TICKS_AT_BUDGET = 60;
/** The real-rate row's ticks at most (12 min): a store that never fills its budget ends the row there, and it says so. */
const MAX_REAL_RATE_TICKS = 720;

/** The watcher at 1 Hz, as a user runs it, until its budget has been full for a minute. */
export function runWatcher(ctx: BenchContext): Promise<BenchRow[]> {
  return watch(ctx, 0);
}

/** The same watcher with the budget filled 6× faster: a stress figure, not the issue's measure. */
export function runWatcherFastFill(ctx: BenchContext): Promise<BenchRow[]> {
  return watch(ctx, FILL_EXTRA);
}

async function watch(ctx: BenchContext, fillExtra: number): Promise<BenchRow[]> {
  const exposed = ctx.smoke ? 2_000 : 100_000;
  const fixedTicks = ctx.smoke ? 3 : fillExtra > 0 ? 100 : undefined;
  const server = spawn(process.execPath, ['-e', WIDE_SERVER, String(exposed)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.once('exit', (code) => reject(new Error(`the wide server exited with ${code}`)));
      server.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    });
    const monitor = new Monitor(createMonitorDeps({ diskPath: process.cwd() }));
    const { config, problems } = parseConfig({ 'target.port': port });
    if (problems.length > 0) throw new Error(problems.map((p) => p.message).join(' '));
    monitor.configure(config);
    const store = monitor.store;
    // What each tick stored (and how its sources grouped it), appended again at
    // FILL_EXTRA times before the next tick: the same series and values, more history.
    let extraAppends = 0;
    if (fillExtra > 0) {
      const append = store.append.bind(store);
      store.append = (timeMs: number, samples: readonly Sample[], spans?: readonly SourceSpan[]): number => {
        const refused = append(timeMs, samples, spans);
        setImmediate(() => {
          for (let j = 1; j <= fillExtra; j++) {
            append(timeMs + Math.floor((j * config.sampleIntervalMs) / (fillExtra + 1)), samples, spans);
            extraAppends++;
          }
        });
        return refused;
      };
    }
    let ticked = 0;
    /** The tick at which the budget first capped a series (the store is full). */
    let fullAtTick: number | undefined;
    const done = new Promise<void>((resolve) => {
      monitor.onSnapshot(() => {
        ticked++;
        if (fullAtTick === undefined && store.budgetCappedSeries > 0) fullAtTick = ticked;
        const end = fixedTicks ?? (fullAtTick === undefined ? MAX_REAL_RATE_TICKS : Math.min(MAX_REAL_RATE_TICKS, fullAtTick + TICKS_AT_BUDGET));
        if (ticked === end) resolve();
      });
    });
    const t0 = performance.now();
    monitor.start();
    await done;
    await monitor.stop();
    const wallS = (performance.now() - t0) / 1000;
    const peakMb = peakRss() / MB;
    const kept = `${store.seriesCount.toLocaleString('en-US')} series kept; sample storage ${(store.usedBytes / 2 ** 20).toFixed(1)} MiB of the ${SETTINGS['history.memoryBudgetMb'].default} MiB budget, ${store.budgetCappedSeries.toLocaleString('en-US')} series capped by it; ${ticked} ticks in ${wallS.toFixed(0)} s on the monitor's own 1 s timer`;
    const raw = { exposed, ticks: ticked, fullAtTick, wallS, extraAppends, seriesKept: store.seriesCount, usedBytes: store.usedBytes, capped: store.budgetCappedSeries, peakRssBytes: peakRss() };
    const row: BenchRow =
      fillExtra === 0
        ? {
            id: 'memory.watcher100k',
            figure: `watcher peak RSS, ${exposed.toLocaleString('en-US')} exposed series, 60 min history (1 Hz as a watcher runs, until the budget has been full for ${TICKS_AT_BUDGET} ticks)`,
            ours: { value: peakMb, unit: 'MB', what: 'peak RSS' },
            budget: { text: `≤ ${BUDGET_MB} MB`, holds: peakMb <= BUDGET_MB },
            note: `${kept}; the budget was ${fullAtTick === undefined ? `NOT full after ${ticked} ticks` : `full from tick ${fullAtTick}`}. The same watcher with the budget filled 6× faster is memory.watcher100kFastFill (stress): see memoryBudget.ts.`,
            raw,
          }
        : {
            id: 'memory.watcher100kFastFill',
            figure: `stress: the same watcher, each tick's samples stored ${fillExtra + 1}× so the budget fills in ~55 s instead of ~4 min (${ticked} ticks at 1 Hz)`,
            ours: { value: peakMb, unit: 'MB', what: 'peak RSS' },
            budget: { text: `≤ ${BUDGET_MB} MB (stress; the issue's measure is memory.watcher100k)`, holds: peakMb <= BUDGET_MB },
            note: `${kept}. It fills the store while V8 still keeps its young generation at 32 MiB after the first scrape of 10,000 new series, which a 1 Hz watcher does not (its store holds ~2 MiB then): up to one young generation above memory.watcher100k, more under load. See memoryBudget.ts.`,
            raw,
          };
    monitor.dispose();
    return [row];
  } finally {
    server.kill();
  }
}

export async function runDay(ctx: BenchContext): Promise<BenchRow[]> {
  if (!ctx.target && !ctx.smoke) {
    return [skippedRow('memory.day', 'report --duration 24h peak RSS', `≤ ${BUDGET_MB} MB`, 'The example chat server did not start, so its series are unknown.')];
  }
  const seconds = ctx.smoke ? 600 : 86_400;
  // The example server's own series, as the scraper derives them (a second scrape gives rates).
  let scraped: Sample[] = [];
  if (ctx.target) {
    const scraper = new Scraper({ url: `http://127.0.0.1:${ctx.target.port}/metrics`, timeoutMs: 2000, clock: systemClock });
    await scraper.scrape();
    await new Promise((r) => setTimeout(r, 1100));
    scraped = (await scraper.scrape()).samples;
    scraper.dispose();
  }
  const own = Object.values(Metric).map((name) => ({ name, labels: {}, value: 1 }));
  const series = [...own, ...scraped.filter((s) => !own.some((o) => o.name === s.name))];
  // The store the CLI makes for --duration 24h (history = duration, default budget).
  const { config } = parseConfig({ 'history.minutes': SETTINGS['history.minutes'].maximum });
  const store = new SeriesStore(Math.ceil((config.historyMinutes * 60_000) / config.sampleIntervalMs), config.metricsMaxSeries, config.historyBudgetBytes);
  const t0 = Date.UTC(2026, 0, 1);
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let s = 0; s < seconds; s++) {
    // A real day has idle time between ticks in which V8 collects the ticks' garbage;
    // ticks back to back do not, so collect once per simulated hour (node --expose-gc).
    if (s % 3600 === 0) gc?.();
    store.append(
      t0 + s * 1000,
      series.map((x, i) => ({ name: x.name, labels: x.labels, value: x.value * (1 + ((s * 7 + i) % 13) / 100) })),
    );
  }
  const analysis = analyze(store, { fromMs: t0, toMs: t0 + (seconds - 1) * 1000, nowMs: t0 + seconds * 1000 });
  const text = renderMarkdown(buildReport({ target: { name: 'node', state: 'running' }, analysis, generatedAtMs: t0 + seconds * 1000 }));
  const peak = peakRss() / MB;
  return [
    {
      id: 'memory.day',
      figure: `report --duration 24h peak RSS (example server: ${series.length} series × ${seconds.toLocaleString('en-US')} ticks, analysis + report)`,
      ours: { value: peak, unit: 'MB', what: 'peak RSS' },
      budget: { text: `≤ ${BUDGET_MB} MB`, holds: peak <= BUDGET_MB },
      note: `sample storage ${(store.usedBytes / 2 ** 20).toFixed(1)} MiB of the ${SETTINGS['history.memoryBudgetMb'].default} MiB budget; ${store.budgetCappedSeries} series capped by it; report ${(text.length / 1024).toFixed(0)} KiB.`,
      raw: { series: series.length, seconds, usedBytes: store.usedBytes, capped: store.budgetCappedSeries, peakRssBytes: peakRss() },
    },
  ];
}
