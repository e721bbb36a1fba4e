/* global window, document -- page.evaluate callbacks run in the page */
// Dashboard page benchmark in headless Chromium, on the real bundle under the
// panel's CSP:
//   - first render: `init` with 1 h × 12 series at 1 Hz (43,200 points);
//   - per update: one `append` (one tick, 12 values) at that 1 h window;
//   - page heap after 30 minutes of appends (1,800) at that fixed window;
//   - bundle size.
// Script time is Chromium's own (CDP Performance.getMetrics ScriptDuration), for
// delivering the message through drawing (uPlot draws in a microtask, before the
// frame). Prints figures and budgets; exits 1 when a budget is missed.
//   node bench/dashboard.mjs [updates=300] [--smoke] [--json <file>]
// --smoke: a handful of updates and no memory run (checks it still works; figures
// mean nothing). --json: also writes every figure to <file> (scripts/bench.mjs
// reads it for the one table of `npm run bench`) and exits 0 whatever the budgets.
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildAll, root } from '../test/webview/assets.mjs';
import { CHROMIUM_ARGS, startFixtureServer } from '../test/webview/server.mjs';
import { FULL_CHROMIUM } from '../scripts/lib/browser.mjs';
import { catalogue, columns, initMessage, T0_SEC } from '../test/webview/fixtureData.mjs';
// The host's tier choice, compiled by `npm run compile-tests` (scripts/bench.mjs compiles first).
import { chartStepMs, chartTailBudget, downsampleColumns } from '../out/src/core/chartData.js';
import { SeriesStore } from '../out/src/core/store/seriesStore.js';
import { StoreChartFeed } from '../out/src/vscode/dashboard/storeDashboardSource.js';

const args = process.argv.slice(2);
const SMOKE = args.includes('--smoke');
const jsonAt = args.indexOf('--json');
const JSON_FILE = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const positional = args.filter((a, i) => !a.startsWith('--') && (jsonAt < 0 || i !== jsonAt + 1));
const UPDATES = Number(positional[0] ?? (SMOKE ? 12 : 300));
const HOUR_POINTS = 3600;
// Smoke mode skips the memory run: no appends beyond the measured updates.
const APPENDS_FOR_MEMORY = SMOKE ? UPDATES : 1800;
const FIVE_MIN_UPDATES = SMOKE ? 12 : 200;
/** Hours in the store for the `all` range read from the tiers (a day; fewer in smoke mode). */
const ALL_HOURS = SMOKE ? 2 : 24;
/** Updates not counted while the JIT warms up. */
const warmOf = (count) => Math.min(20, Math.floor(count / 4));
const BUDGET = { firstRenderMs: 150, updateMs: 4, bundleKB: 150 };

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
const pct = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};

async function scriptSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'ScriptDuration').value;
}

async function heapMB(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize / 1024 / 1024;
}

/** Delivers the message stored at window.__msgs[i] as VS Code would, and waits until drawn. */
/** Resolves to { ms, redrew } — redrew: the CPU chart's summary changed, i.e. the charts were drawn. */
function deliver(page, i) {
  return page.evaluate(async (k) => {
    const summary = document.getElementById('chart-processCpu-summary');
    const before = summary?.textContent;
    const t0 = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data: window.__msgs[k] }));
    // uPlot commits its redraw in a microtask queued during the handler; these run after it.
    await Promise.resolve();
    await Promise.resolve();
    return { ms: performance.now() - t0, redrew: summary?.textContent !== before };
  }, i);
}

/** Script ms per append, split into all ticks and ticks that redrew the charts. */
async function measureUpdates(page, cdp, from, count, warm = warmOf(count)) {
  const all = [];
  const redraws = [];
  for (let i = from; i < from + count; i++) {
    const before = await scriptSeconds(cdp);
    const { redrew } = await deliver(page, i);
    const ms = ((await scriptSeconds(cdp)) - before) * 1000;
    if (i >= from + warm) {
      all.push(ms);
      if (redrew) {
        redraws.push(ms);
      }
    }
  }
  return { all, redraws };
}

async function main() {
  const { bundleBytes, html } = await buildAll();
  const gzipBytes = zlib.gzipSync(fs.readFileSync(path.join(root, 'dist/webview.js'))).length;
  const server = await startFixtureServer(html);
  // The full Chromium, as before the tests moved to the headless shell: the figures stay comparable.
  const browser = await chromium.launch({ executablePath: FULL_CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${server.url}?theme=dark`);
    await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));

    // 12 charted series: 6 own + all 6 scraped ones picked.
    const cat = catalogue();
    const server6 = cat.filter((s) => s.chart === 'server').map((s) => s.key);
    const init = initMessage({ points: HOUR_POINTS, range: '1h', selected: server6 });
    const charted = init.columns.keys.length;
    const points = charted * init.columns.x.length;
    const appendCat = cat.filter((s) => init.columns.keys.includes(s.key));
    const appends = [];
    for (let i = 0; i < Math.max(UPDATES, APPENDS_FOR_MEMORY); i++) {
      appends.push({ type: 'append', columns: columns(appendCat, { startSec: T0_SEC + HOUR_POINTS + i, points: 1, offset: HOUR_POINTS + i }) });
    }
    await page.evaluate((msgs) => (window.__msgs = msgs), [init, ...appends]);

    // First render.
    const s0 = await scriptSeconds(cdp);
    const { ms: firstWallMs } = await deliver(page, 0);
    const firstScriptMs = ((await scriptSeconds(cdp)) - s0) * 1000;
    const drawnPoints = await page.locator('#chart-processCpu').getAttribute('data-points');

    // Updates at 1 h (the first few warm up the JIT and are not counted).
    const hour = await measureUpdates(page, cdp, 1, UPDATES);
    // Memory at a fixed 1 h window over 30 minutes of ticks.
    const heap = [[UPDATES, await heapMB(cdp)]];
    for (let i = UPDATES + 1; i <= APPENDS_FOR_MEMORY; i++) {
      await deliver(page, i);
      if (i % 600 === 0) {
        heap.push([i, await heapMB(cdp)]);
      }
    }
    const heldPoints = await page.locator('#chart-processCpu').getAttribute('data-points');

    // Updates at 5 m: every tick moves the lines by a pixel, so every tick redraws.
    const page5 = await context.newPage();
    const cdp5 = await context.newCDPSession(page5);
    await cdp5.send('Performance.enable');
    await page5.goto(`${server.url}?theme=dark`);
    await page5.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
    const init5 = initMessage({ points: 300, range: '5m', selected: server6 });
    const appends5 = [];
    for (let i = 0; i < FIVE_MIN_UPDATES; i++) {
      appends5.push({ type: 'append', columns: columns(appendCat, { startSec: T0_SEC + 300 + i, points: 1, offset: 300 + i }) });
    }
    await page5.evaluate((msgs) => (window.__msgs = msgs), [init5, ...appends5]);
    await deliver(page5, 0);
    const five = await measureUpdates(page5, cdp5, 1, FIVE_MIN_UPDATES);

    // Updates at 1 h as the host sends them: the window as its tier for the page's plot
    // width (DashboardSession + StoreChartFeed), raw ticks appended, the window sent
    // again when its bucket completes or the appends reach a quarter of the plot.
    const pageT = await context.newPage();
    const cdpT = await context.newCDPSession(pageT);
    await cdpT.send('Performance.enable');
    await pageT.goto(`${server.url}?theme=dark`);
    await pageT.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
    const plotWidthPx = (await pageT.evaluate(() => window.__posted.find((m) => m.type === 'ready'))).plotWidthPx;
    const rawAll = columns(appendCat, { startSec: T0_SEC, points: HOUR_POINTS + UPDATES });
    const stepMs = chartStepMs(3600_000, 1000, plotWidthPx);
    const windowAt = (end) => {
      const from = Math.max(0, end - HOUR_POINTS);
      const raw = { x: rawAll.x.slice(from, end + 1), keys: rawAll.keys, y: rawAll.y.map((c) => c.slice(from, end + 1)) };
      return stepMs === 0 ? raw : downsampleColumns(raw, stepMs, rawAll.x[end] * 1000);
    };
    const initT = { ...initMessage({ points: HOUR_POINTS, range: '1h', selected: server6 }), columns: windowAt(HOUR_POINTS - 1) };
    const msgsT = [initT];
    let lastSentMs = rawAll.x[HOUR_POINTS - 1] * 1000;
    let appended = 0;
    let windowsSent = 0;
    for (let end = HOUR_POINTS; end < HOUR_POINTS + UPDATES; end++) {
      const t = rawAll.x[end] * 1000;
      if (stepMs > 0 && (Math.floor(t / stepMs) !== Math.floor(lastSentMs / stepMs) || appended >= chartTailBudget(plotWidthPx))) {
        msgsT.push({ type: 'window', range: '1h', columns: windowAt(end) });
        appended = 0;
        windowsSent++;
      } else {
        msgsT.push({ type: 'append', columns: { x: [rawAll.x[end]], keys: rawAll.keys, y: rawAll.y.map((c) => [c[end]]) } });
        appended++;
      }
      lastSentMs = t;
    }
    await pageT.evaluate((msgs) => (window.__msgs = msgs), msgsT);
    await deliver(pageT, 0);
    const tierPoints = Number(await pageT.locator('#chart-processCpu').getAttribute('data-points'));
    const tiered = await measureUpdates(pageT, cdpT, 1, UPDATES);
    const tieredMax = Math.max(...tiered.all);

    // Updates at `all` over a day as the host sends it: a real store (raw hour, 10 s and
    // 1 min tiers) and StoreChartFeed's windows, the session's rule for sending them again.
    const pageA = await context.newPage();
    const cdpA = await context.newCDPSession(pageA);
    await cdpA.send('Performance.enable');
    await pageA.goto(`${server.url}?theme=dark`);
    await pageA.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
    const dayTicks = ALL_HOURS * 3600;
    const dayStart = T0_SEC - dayTicks;
    const store = new SeriesStore(HOUR_POINTS);
    const feed = new StoreChartFeed(store, { intervalMs: 1000 });
    const dayCols = columns(appendCat, { startSec: dayStart, points: dayTicks + UPDATES });
    const tick = (i) =>
      store.append(
        dayCols.x[i] * 1000,
        appendCat.map((c, k) => ({ name: c.name, labels: c.labels, value: dayCols.y[k][i] })),
      );
    for (let i = 0; i < dayTicks; i++) tick(i);
    const keys = appendCat.map((c) => c.key);
    const hostWindowMs = [];
    const feedWindow = () => {
      const t0 = performance.now();
      const w = feed.window(keys, Number.NEGATIVE_INFINITY, plotWidthPx);
      hostWindowMs.push(performance.now() - t0);
      return w;
    };
    const initA = { ...initMessage({ points: 2, range: 'all', selected: server6 }), columns: feedWindow(), ui: { range: 'all', intervalMs: 1000, maxPoints: feed.maxPoints, selectedSeries: server6 } };
    const dayStepMs = initA.columns.stepMs ?? 0;
    const msgsA = [initA];
    let lastA = store.latestTimeMs;
    let appendedA = 0;
    let windowsA = 0;
    for (let i = dayTicks; i < dayTicks + UPDATES; i++) {
      tick(i);
      const t = store.latestTimeMs;
      if (dayStepMs > 0 && (Math.floor(t / dayStepMs) !== Math.floor(lastA / dayStepMs) || appendedA >= chartTailBudget(plotWidthPx))) {
        msgsA.push({ type: 'window', range: 'all', columns: feedWindow() });
        appendedA = 0;
        windowsA++;
      } else {
        msgsA.push({ type: 'append', columns: feed.pointsSince(keys, lastA) });
        appendedA++;
      }
      lastA = t;
    }
    await pageA.evaluate((msgs) => (window.__msgs = msgs), msgsA);
    await deliver(pageA, 0);
    const dayPoints = Number(await pageA.locator('#chart-processCpu').getAttribute('data-points'));
    const dayFirstMs = Number(await pageA.locator('#chart-processCpu').getAttribute('data-first-ms'));
    const day = await measureUpdates(pageA, cdpA, 1, UPDATES);

    const updateMedian = median(hour.all);
    const rows = [
      ['bundle dist/webview.js', `${(bundleBytes / 1024).toFixed(1)} KB minified, ${(gzipBytes / 1024).toFixed(1)} KB gzip`, bundleBytes / 1024 <= BUDGET.bundleKB, `≤ ${BUDGET.bundleKB} KB`],
      [
        `first render (${charted} series × ${HOUR_POINTS} = ${points} points)`,
        `${firstScriptMs.toFixed(1)} ms script (in-page ${firstWallMs.toFixed(1)} ms); ${drawnPoints} points drawn`,
        firstScriptMs <= BUDGET.firstRenderMs,
        `≤ ${BUDGET.firstRenderMs} ms`,
      ],
      [
        `update (1 tick, ${charted} series, 1 h window), n=${hour.all.length}`,
        `median ${updateMedian.toFixed(2)} ms script, p95 ${pct(hour.all, 0.95).toFixed(2)} ms; the ${hour.redraws.length} ticks that redrew the charts: median ${median(hour.redraws).toFixed(2)} ms`,
        updateMedian <= BUDGET.updateMs,
        `≤ ${BUDGET.updateMs} ms`,
      ],
      [
        `update (1 tick, ${charted} series, 5 m window: every tick redraws), n=${five.all.length}`,
        `median ${median(five.all).toFixed(2)} ms script, p95 ${pct(five.all, 0.95).toFixed(2)} ms`,
        median(five.all) <= BUDGET.updateMs,
        `≤ ${BUDGET.updateMs} ms`,
      ],
      [
        `update at 1 h as the host sends it (${stepMs / 1000} s tier for a ${plotWidthPx} px plot: ${tierPoints} points drawn, ${windowsSent} windows in ${tiered.all.length + warmOf(UPDATES)} ticks)`,
        `median ${median(tiered.all).toFixed(2)} ms script, p95 ${pct(tiered.all, 0.95).toFixed(2)} ms, max ${tieredMax.toFixed(2)} ms; the ${tiered.redraws.length} ticks that redrew: median ${median(tiered.redraws)?.toFixed(2) ?? '—'} ms`,
        pct(tiered.all, 0.95) <= BUDGET.updateMs && tierPoints <= plotWidthPx,
        `≤ ${BUDGET.updateMs} ms (p95), ≤ ${plotWidthPx} points`,
      ],
      [
        `update at all over ${ALL_HOURS} h as the host sends it (${dayStepMs / 60_000} min tier from the store's tiers for a ${plotWidthPx} px plot: ${dayPoints} points drawn from ${((lastA - dayFirstMs) / 3600_000).toFixed(1)} h back, ${windowsA} windows in ${day.all.length + warmOf(UPDATES)} ticks; host window median ${median(hostWindowMs).toFixed(2)} ms)`,
        `median ${median(day.all).toFixed(2)} ms script, p95 ${pct(day.all, 0.95).toFixed(2)} ms, max ${Math.max(...day.all).toFixed(2)} ms`,
        pct(day.all, 0.95) <= BUDGET.updateMs && dayPoints <= plotWidthPx,
        `≤ ${BUDGET.updateMs} ms (p95), ≤ ${plotWidthPx} points`,
      ],
      [
        `page heap after N appends (fixed 1 h window)`,
        `${heap.map(([n, mb]) => `${n}: ${mb.toFixed(2)} MB`).join(', ')}; ${heldPoints} points held`,
        heap.at(-1)[1] - heap[0][1] < 2,
        'no growth (< 2 MB)',
      ],
    ];
    let ok = true;
    for (const [what, figure, pass, budget] of rows) {
      ok &&= pass;
      console.log(`${pass ? 'ok  ' : 'OVER'} ${what}: ${figure}  [budget ${budget}]`);
    }
    process.exitCode = ok ? 0 : 1;
    if (JSON_FILE) {
      const figures = {
        smoke: SMOKE,
        bundleBytes,
        gzipBytes,
        charted,
        points,
        drawnPoints: Number(drawnPoints),
        firstRenderScriptMs: firstScriptMs,
        firstRenderWallMs: firstWallMs,
        update1h: { n: hour.all.length, medianMs: updateMedian, p95Ms: pct(hour.all, 0.95), p99Ms: pct(hour.all, 0.99), redraws: hour.redraws.length, redrawMedianMs: median(hour.redraws) ?? null },
        update1hTiered: {
          n: tiered.all.length,
          plotWidthPx,
          stepMs,
          pointsDrawn: tierPoints,
          windowsSent,
          medianMs: median(tiered.all),
          p95Ms: pct(tiered.all, 0.95),
          p99Ms: pct(tiered.all, 0.99),
          maxMs: tieredMax,
          redraws: tiered.redraws.length,
          redrawMedianMs: median(tiered.redraws) ?? null,
        },
        updateAllTiered: {
          hours: ALL_HOURS,
          n: day.all.length,
          plotWidthPx,
          stepMs: dayStepMs,
          pointsDrawn: dayPoints,
          reachMs: lastA - dayFirstMs,
          windowsSent: windowsA,
          hostWindowMedianMs: median(hostWindowMs),
          medianMs: median(day.all),
          p95Ms: pct(day.all, 0.95),
          p99Ms: pct(day.all, 0.99),
          maxMs: Math.max(...day.all),
        },
        update5m: { n: five.all.length, medianMs: median(five.all), p95Ms: pct(five.all, 0.95), p99Ms: pct(five.all, 0.99) },
        heapMB: heap,
        heldPoints: Number(heldPoints),
        budgets: BUDGET,
        rows: rows.map(([what, figure, pass, budget]) => ({ what, figure, pass, budget })),
      };
      fs.writeFileSync(JSON_FILE, JSON.stringify(figures, null, 2));
      process.exitCode = 0;
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
