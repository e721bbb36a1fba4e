/* global window, document, getComputedStyle, requestAnimationFrame -- page.evaluate callbacks run in the page */
// Chromium tests of the dashboard page: the real bundle, the panel's own HTML and
// CSP, served from 127.0.0.1, with a test stub in VS Code's place.
//   node test/webview/run.mjs            (last line: "N passed, N failed")
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildAll, loadTsModule, root } from './assets.mjs';
import { CHROMIUM_ARGS, pageChromiumPath, startFixtureServer } from './server.mjs';
import { columns, HOSTILE, initMessage, T0_SEC } from './fixtureData.mjs';

const SHOTS = path.join(root, 'test-results/webview');
/** The shipped Chinese bundle: what the keyboard walks expect to read in zh-cn. */
const ZH_CN = JSON.parse(fs.readFileSync(path.join(root, 'l10n/bundle.l10n.zh-cn.json'), 'utf8'));
/** The page's text for an English message in `lang` (undefined: English). */
const inLang = (lang, en) => (lang === 'zh-cn' ? (ZH_CN[en] ?? assert.fail(`no Chinese for "${en}"`)) : en);
/** The keyboard walks run in both display languages: the same keys, the same stops. */
const WALK_LANGS = [undefined, 'zh-cn'];
const inName = (lang) => (lang ? ` (${lang})` : '');
const TEST_TIMEOUT_MS = 30_000;
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// ---------------------------------------------------------------------------
// helpers

async function open(page, url, { theme = 'dark', init = initMessage(), lang } = {}) {
  await page.goto(`${url}?theme=${theme}${lang ? `&lang=${lang}` : ''}`);
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  if (init) {
    await send(page, init);
  }
}

/** Delivers a host message the way VS Code does (a window message event), then waits a frame. */
async function send(page, msg) {
  await page.evaluate((m) => window.postMessage(m, '*'), msg);
  await frame(page);
}

async function frame(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
}

const posted = (page) => page.evaluate(() => window.__posted);

/** Non-transparent pixels of each uPlot canvas on the page, by chart id. */
function inkByChart(page) {
  return page.evaluate(() => {
    const out = {};
    for (const fig of document.querySelectorAll('figure.chart')) {
      const c = fig.querySelector('canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) {
        if (d[i] > 0) {
          n++;
        }
      }
      out[fig.id] = n;
    }
    return out;
  });
}

const attr = (page, sel, name) => page.locator(sel).first().getAttribute(name);
const text = (page, sel) => page.locator(sel).first().textContent();

function appendMsg(fromIndex, count, { keys } = {}) {
  const init = initMessage();
  const cat = init.catalogue.filter((s) => (keys ? keys.includes(s.key) : init.columns.keys.includes(s.key)));
  return { type: 'append', columns: columns(cat, { startSec: T0_SEC + fromIndex, points: count, offset: fromIndex }) };
}

// ---------------------------------------------------------------------------
// tests

test('says ready first, with no data requested before', async ({ page, url }) => {
  await open(page, url, { init: null });
  const msgs = await posted(page);
  assert.equal(msgs.length, 1);
  const { plotWidthPx, ...rest } = msgs[0];
  assert.deepEqual(rest, { type: 'ready' });
  // The plot width, so the host never sends more points than it has pixels.
  assert.ok(Number.isInteger(plotWidthPx) && plotWidthPx > 100, `plotWidthPx ${plotWidthPx}`);
  assert.equal(await attr(page, '#app', 'aria-busy'), 'true');
});

test('renders header, tiles and charts with ink on every canvas', async ({ page, url }) => {
  await open(page, url);
  assert.equal(await text(page, '.dash-header h1'), 'chat');
  assert.match(await text(page, '.dash-header .details'), /pid 4242 · port 8080 · up 1 h 2 min/);
  assert.match(await text(page, '.dash-header .badge'), /Warning/);
  const roles = await page.locator('.tile').evaluateAll((els) => els.map((e) => e.dataset.role));
  assert.deepEqual(roles, ['cpu', 'memory', 'activeUsers', 'messagesPerSecond', 'latencyP95', 'errorRate']);
  assert.match(await text(page, '.tile[data-role="memory"] .tile-value'), /MiB$/);
  const ink = await inkByChart(page);
  assert.deepEqual(Object.keys(ink).sort(), ['chart-processCpu', 'chart-processMemory', 'chart-server', 'chart-systemNetwork', 'chart-systemUsage']);
  for (const [id, n] of Object.entries(ink)) {
    assert.ok(n > 500, `${id} has only ${n} inked pixels`);
  }
  const sparkInk = await page.locator('.tile canvas').evaluateAll((cs) =>
    cs.map((c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 === 3 && v > 0).length),
  );
  assert.ok(sparkInk.every((n) => n > 20), `sparklines: ${sparkInk}`);
  assert.equal(await attr(page, '#app', 'aria-busy'), 'false');
});

test('shows only the tiles the server provides', async ({ page, url }) => {
  await open(page, url, { init: initMessage({ withErrorRate: false }) });
  assert.equal(await page.locator('.tile[data-role="errorRate"]').count(), 0);
  assert.equal(await page.locator('.tile').count(), 5);
});

test('each chart has a text summary with now, min and max over the range', async ({ page, url }) => {
  await open(page, url);
  const summary = await text(page, '#chart-processCpu-summary');
  assert.match(summary, /^Server CPU \d+(\.\d)?% now, min \d+(\.\d)?%, max \d+(\.\d)?% over the last 5 minutes\.$/);
  assert.equal(await attr(page, '#chart-processCpu .u-wrap', 'aria-labelledby'), 'chart-processCpu-summary');
});

test('updates tiles, charts and summaries on append', async ({ page, url }) => {
  await open(page, url);
  const before = await attr(page, '#chart-processCpu', 'data-points');
  const msg = appendMsg(300, 1);
  msg.columns.y[0][0] = 42;
  await send(page, msg);
  assert.equal(Number(await attr(page, '#chart-processCpu', 'data-points')), Number(before) + 1);
  assert.equal(await text(page, '.tile[data-role="cpu"] .tile-value'), '42%');
  assert.match(await text(page, '#chart-processCpu-summary'), /42% now/);
});

test('range buttons ask the host for a window, save the choice and narrow at once', async ({ page, url }) => {
  await open(page, url);
  assert.equal(await attr(page, 'button[data-range="5m"]', 'aria-pressed'), 'true');
  await page.click('button[data-range="1m"]');
  await frame(page);
  const { plotWidthPx, ...setRange } = (await posted(page)).at(-1);
  assert.deepEqual(setRange, { type: 'setRange', range: '1m' });
  assert.ok(Number.isInteger(plotWidthPx) && plotWidthPx > 100);
  assert.equal(await attr(page, 'button[data-range="1m"]', 'aria-pressed'), 'true');
  assert.equal(await attr(page, 'button[data-range="5m"]', 'aria-pressed'), 'false');
  assert.equal(await page.evaluate(() => window.__state.range), '1m');
  // Held data is cut to the new range before the host answers.
  assert.equal(await attr(page, '#chart-processCpu', 'data-points'), '61');
  assert.match(await text(page, '#chart-processCpu-summary'), /over the last minute\.$/);
  const init = initMessage({ points: 3600, range: '1h' });
  await send(page, { type: 'window', range: '1h', columns: init.columns });
  assert.equal(await attr(page, '#chart-processCpu', 'data-points'), '61', 'a window is cut to the chosen range');
});

test('restores range and picked series from saved state on reload', async ({ page, url }) => {
  await open(page, url);
  await page.click('button[data-range="15m"]');
  await page.reload();
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  const ready = (await posted(page)).find((m) => m.type === 'ready');
  assert.equal(ready.range, '15m');
  assert.equal(ready.selectedSeries.length, 4);
});

test('pause freezes the charts while tiles stay live; resume catches up', async ({ page, url }) => {
  await open(page, url);
  await page.click('button[data-action="pause"]');
  assert.equal(await attr(page, 'button[data-action="pause"]', 'aria-pressed'), 'true');
  assert.equal(await text(page, 'button[data-action="pause"] .label'), 'Resume');
  const frozen = await attr(page, '#chart-processCpu', 'data-points');
  const frozenSummary = await text(page, '#chart-processCpu-summary');
  for (let i = 0; i < 5; i++) {
    const m = appendMsg(300 + i, 1);
    m.columns.y[0][0] = 77;
    await send(page, m);
  }
  assert.equal(await attr(page, '#chart-processCpu', 'data-points'), frozen);
  assert.equal(await text(page, '#chart-processCpu-summary'), frozenSummary);
  assert.equal(await text(page, '.tile[data-role="cpu"] .tile-value'), '77%');
  assert.equal(await page.evaluate(() => window.__state.paused), true);
  await page.click('button[data-action="pause"]');
  assert.equal(await attr(page, 'button[data-action="pause"]', 'aria-pressed'), 'false');
  assert.match(await text(page, '#chart-processCpu-summary'), /77% now/);
});

test('hostile label values, help, alert and issue text show as literal text: no dialog, no console error', async ({ page, url, consoleErrors, dialogs }) => {
  await open(page, url, { init: initMessage({ hostile: true }) });
  await page.locator('details.picker summary').click();
  const body = await page.evaluate(() => document.body.innerText);
  for (const h of HOSTILE) {
    assert.ok(body.includes(h), `missing literal ${h}`);
  }
  assert.equal(await text(page, '.dash-header h1'), HOSTILE[0]);
  assert.equal(await text(page, '.alert[data-alert-id="cpu-high"] strong'), HOSTILE[0]);
  assert.equal(await text(page, '.alert[data-alert-id="cpu-high"] .alert-message'), HOSTILE[1]);
  const legend = await page.locator('#chart-server .u-legend').textContent();
  assert.ok(legend.includes(`room="${HOSTILE[0]}"`), legend);
  assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
  assert.equal(await page.locator('script:not([type="application/json"])').count(), 2, 'no <script> element was created');
  assert.equal(await page.locator('script[type="application/json"]').count(), 1, 'only the host\'s messages block');
  await page.waitForTimeout(200);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(consoleErrors, []);
});

test('the CSP blocks an injected inline script and reports the violation', async ({ page, url }) => {
  await open(page, url);
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__pwned = true;';
    document.body.appendChild(s);
  });
  await page.waitForFunction(() => window.__violations.length > 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  const v = await page.evaluate(() => window.__violations);
  assert.ok(v.some((x) => x.directive.startsWith('script-src') && x.blockedURI === 'inline'), JSON.stringify(v));
});

test('the CSP blocks inline styles, and the page needs none', async ({ page, url }) => {
  await open(page, url);
  const before = await page.evaluate(() => window.__violations.length);
  assert.equal(before, 0, 'rendering the dashboard caused no CSP violation');
  await page.evaluate(() => {
    const st = document.createElement('style');
    st.textContent = 'body { display: none }';
    document.head.appendChild(st);
  });
  await page.waitForFunction(() => window.__violations.length > 0);
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).display), 'none');
});

test('snooze buttons, the report button and Compare runs… post their requests', async ({ page, url }) => {
  await open(page, url);
  await page.click('.alert[data-alert-id="cpu-high"] button:has-text("15 min")');
  await page.click('button[data-action="snooze-all"]');
  await page.click('button[data-action="report"]');
  await page.click('button[data-action="compare-runs"]');
  const msgs = (await posted(page)).slice(-4);
  assert.deepEqual(msgs, [
    { type: 'snooze', alertId: 'cpu-high', minutes: 15 },
    { type: 'snooze', alertId: 'all', minutes: 60 },
    { type: 'openReport' },
    { type: 'compareRuns' },
  ]);
  assert.equal(
    await attr(page, '.alert[data-alert-id="cpu-high"] button:has-text("1 h")', 'aria-label'),
    'Snooze for 1 h: CPU above 80%',
  );
  // The level is said in words too, not only by the colour of the border and icon.
  assert.deepEqual(await page.locator('.alert .level-word').allTextContents(), ['warning', 'critical']);
  assert.deepEqual(await page.locator('.issue .level-word').allTextContents(), ['warning']);
});

test('a point on a chart asks for the slowest traces of that moment: by click, and by arrows + Enter on the focused chart', async ({ page, url }) => {
  await open(page, url);
  const chart = page.locator('#chart-server');
  assert.equal(await chart.getAttribute('tabindex'), '0', 'the chart takes focus');
  const over = chart.locator('.u-over');
  await over.scrollIntoViewIfNeeded();
  const box = await over.boundingBox();
  // The right edge of the plot is the newest point (5m range, 300 points, one a second).
  await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
  await page.mouse.click(box.x + box.width - 1, box.y + box.height / 2);
  const picks = async () => (await posted(page)).filter((m) => m.type === 'showTraces');
  assert.deepEqual(await picks(), [{ type: 'showTraces', atMs: (T0_SEC + 299) * 1000 }]);
  // A click in the middle: a point inside the range, on a whole second.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const mid = (await picks()).at(-1).atMs / 1000;
  assert.ok(Number.isInteger(mid) && mid > T0_SEC + 100 && mid < T0_SEC + 200, `middle pick at ${mid - T0_SEC} s`);
  // Keyboard: Home, Right, Enter picks the second point; the live note says the time, the values and what Enter does.
  await chart.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  assert.match(await text(page, '#chart-server .point-note'), /^\d\d:\d\d:\d\d: .+\. Enter shows the slowest traces of that moment\.$/);
  await page.keyboard.press('Enter');
  assert.deepEqual((await picks()).at(-1), { type: 'showTraces', atMs: (T0_SEC + 1) * 1000 });
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press(' ');
  assert.deepEqual((await picks()).at(-1), { type: 'showTraces', atMs: (T0_SEC + 298) * 1000 });
  assert.equal((await picks()).length, 4);
});

/** Keeps the server chart's canvas pixels in the page under `name`, to find what a message drew by difference. */
function snapshotServerChart(page, name) {
  return page.evaluate((n) => {
    const c = document.querySelector('#chart-server canvas');
    window.__snaps = { ...window.__snaps, [n]: c.getContext('2d').getImageData(0, 0, c.width, c.height).data };
  }, name);
}

/** Where pixels changed between two snapshots: the box's centre in the plot area (px from its top left corner), its size, and how many. */
function changedAt(page, a, b) {
  return page.evaluate(
    ([na, nb]) => {
      const [pa, pb] = [window.__snaps[na], window.__snaps[nb]];
      const c = document.querySelector('#chart-server canvas');
      const box = c.getBoundingClientRect();
      const over = document.querySelector('#chart-server .u-over').getBoundingClientRect();
      const scale = c.width / box.width;
      let n = 0;
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (let i = 0; i < pa.length; i += 4) {
        if (pa[i] !== pb[i] || pa[i + 1] !== pb[i + 1] || pa[i + 2] !== pb[i + 2] || pa[i + 3] !== pb[i + 3]) {
          const p = i / 4;
          const x = p % c.width;
          const y = Math.floor(p / c.width);
          n++;
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
      return { n, x: box.left - over.left + (x0 + x1 + 1) / 2 / scale, y: box.top - over.top + (y0 + y1 + 1) / 2 / scale, w: (x1 - x0 + 1) / scale, h: (y1 - y0 + 1) / scale };
    },
    [a, b],
  );
}

/**
 * Moves the pointer to (dx, dy) in the server chart's plot area. The cursor's values in
 * every chart's legend (synced) can rewrap a legend above and move the plot: then again.
 */
async function pointInServerPlot(page, dx, dy) {
  for (let i = 0; i < 4; i++) {
    const o = await page.locator('#chart-server .u-over').boundingBox();
    await page.mouse.move(o.x + dx, o.y + dy);
    await frame(page);
    const now = await page.locator('#chart-server .u-over').boundingBox();
    if (now.x === o.x && now.y === o.y) return { x: o.x + dx, y: o.y + dy };
  }
  throw new Error('the server chart keeps moving under the pointer');
}

const exemplar = (n, sec, value) => ({ traceId: n.toString(16).padStart(32, '0'), timeMs: (T0_SEC + sec) * 1000, value, seriesKeys: ['chat_response_time_seconds_p95'] });

test('an exemplar on the latency line is a diamond at its time and value; a click on it opens its trace, a click beside it the moment', async ({ page, url }) => {
  await open(page, url);
  await page.locator('#chart-server').scrollIntoViewIfNeeded();
  // The pointer in the plot first: the cursor's values in every chart's legend (synced) change the layout.
  const at = await page.locator('#chart-server .u-over').boundingBox();
  await page.mouse.move(at.x + at.width * 0.1, at.y + 5);
  await frame(page);
  await snapshotServerChart(page, 'before');
  // 20 ms at T0 + 150 s: under the p95 line (30–70 ms), inside its scale, so nothing else moves.
  await send(page, { type: 'exemplars', exemplars: [exemplar(0xabc, 150, 0.02)] });
  await snapshotServerChart(page, 'diamond');
  const d = await changedAt(page, 'before', 'diamond');
  assert.ok(d.n > 10 && d.w <= 14 && d.h <= 14, `one small diamond drawn: ${JSON.stringify(d)}`);
  // Where: half way along the 5-minute x axis, and low on the seconds scale (20 ms of about 77).
  const over = await page.locator('#chart-server .u-over').boundingBox();
  assert.ok(Math.abs(d.x - over.width * (151 / 300)) < 4, `diamond at x ${d.x}, plot ${JSON.stringify(over)}`);
  assert.ok(d.y > over.height * 0.6 && d.y < over.height, `diamond at y ${d.y}, plot ${JSON.stringify(over)}`);

  // The legend says what a diamond is.
  assert.match(await text(page, '#chart-server .band-legend'), /A request with its trace \(click to open\)/);
  // A click on it: its trace, at its time (not the moment's slowest).
  const on = await pointInServerPlot(page, d.x + 2, d.y - 1);
  assert.match(await attr(page, '#chart-server .u-over', 'title'), /^A request of 20 ms at \d\d:\d\d:\d\d \(trace 0+abc\)\. Click to open its trace\.$/);
  await page.mouse.click(on.x, on.y);
  const last = async () => (await posted(page)).filter((m) => m.type === 'showTrace' || m.type === 'showTraces').at(-1);
  assert.deepEqual(await last(), { type: 'showTrace', traceId: exemplar(0xabc, 150, 0).traceId, atMs: (T0_SEC + 150) * 1000 });
  // 20 px beside it: the moment, as before.
  const beside = await pointInServerPlot(page, d.x + 20, d.y);
  await page.mouse.click(beside.x, beside.y);
  const moment = await last();
  assert.equal(moment.type, 'showTraces');
  assert.ok(Math.abs(moment.atMs / 1000 - (T0_SEC + 150)) <= 12, `moment at ${moment.atMs / 1000 - T0_SEC} s`);
  // Hidden in the legend: the p95 line's diamonds go with it.
  await snapshotServerChart(page, 'shown');
  await page.locator('#chart-server button.legend-toggle[data-series="chat_response_time_seconds_p95"]').click();
  await send(page, { type: 'exemplars', exemplars: [exemplar(0xabc, 150, 0.02)] });
  assert.equal(await page.locator('#chart-server .exemplar-list').isVisible(), false);
  await page.locator('#chart-server button.legend-toggle[data-series="chat_response_time_seconds_p95"]').click();
  assert.equal(await page.locator('#chart-server .exemplar-link').count(), 1);
  await snapshotServerChart(page, 'again');
  assert.equal((await changedAt(page, 'shown', 'again')).n, 0, 'shown again: the same picture');
});

test('keyboard: the slowest exemplars in range are buttons under their chart that open their trace; a hostile trace id is refused', async ({ page, url, consoleWarnings }) => {
  await open(page, url);
  const list = [exemplar(1, 10, 0.031), exemplar(2, 40, 0.12), exemplar(3, 80, 0.045), exemplar(4, 120, 0.09), exemplar(5, 160, 0.2), exemplar(6, 200, 0.06), exemplar(7, 250, 0.033)];
  await send(page, { type: 'exemplars', exemplars: list });
  // Five, slowest first, under the latency chart only.
  const buttons = page.locator('#chart-server .exemplar-list button.exemplar-link');
  assert.deepEqual(await buttons.evaluateAll((bs) => bs.map((b) => b.dataset.traceId.replace(/^0+/, ''))), ['5', '2', '4', '6', '3']);
  assert.match(await buttons.first().textContent(), /^200 ms at \d\d:\d\d:\d\d$/);
  assert.equal(await page.locator('#chart-processCpu .exemplar-link').count(), 0);
  assert.equal(await attr(page, '#chart-server .exemplar-list', 'aria-label'), 'Slowest traced requests in range');
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.locator('#chart-server').screenshot({ path: path.join(SHOTS, 'exemplars.png') });
  await buttons.nth(1).focus();
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted(page)).at(-1), { type: 'showTrace', traceId: list[1].traceId, atMs: list[1].timeMs });
  // The next tick's identical list leaves the buttons (and the focus) alone.
  await send(page, { type: 'exemplars', exemplars: list });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.traceId), list[1].traceId);
  await page.keyboard.press(' ');
  assert.equal((await posted(page)).filter((m) => m.type === 'showTrace').length, 2);
  // A trace id that is not 32 hex digits: the message is ignored with one sentence.
  await send(page, { type: 'exemplars', exemplars: [{ ...list[0], traceId: '<img src=x onerror=alert(1)>' }] });
  assert.match(consoleWarnings.at(-1), /^Ignored a "exemplars" message from the extension: each exemplar needs a traceId \(32 hex digits\)/);
  assert.equal(await buttons.count(), 5);
  // None left: no list.
  await send(page, { type: 'exemplars', exemplars: [] });
  assert.equal(await page.locator('#chart-server .exemplar-list').isVisible(), false);
});

test('alerts and issues update from their messages', async ({ page, url }) => {
  await open(page, url);
  assert.equal(await page.locator('.alert').count(), 2);
  assert.match(await text(page, '.issue h3'), /High CPU usage/);
  assert.equal(await text(page, '.issue .evidence dd'), '86%');
  assert.match(await text(page, '.issue .recs'), /Do now.*Optimise CPU-heavy handlers/);
  await send(page, { type: 'alerts', alerts: [] });
  await send(page, { type: 'issues', issues: [] });
  assert.equal(await text(page, '.alert-list'), 'No active alerts.');
  assert.match(await text(page, '.issue-list'), /No issues/);
  assert.equal(await page.locator('button[data-action="snooze-all"]').isDisabled(), true);
});

test('alert and anomaly markers are drawn as bands on the charts', async ({ page, url }) => {
  // A flat line at 0 keeps the top of the plot free of ink except for the bands.
  const init = initMessage();
  init.columns.y = init.columns.y.map((col) => col.map(() => 0));
  await open(page, url, { init });
  const sample = () =>
    page.evaluate(() => {
      const fig = document.getElementById('chart-processCpu');
      const canvas = fig.querySelector('canvas');
      const over = fig.querySelector('.u-over').getBoundingClientRect();
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const ctx = canvas.getContext('2d');
      const alphaAt = (fx) => {
        const x = Math.round((over.left - box.left + over.width * fx) * scale);
        const y = Math.round((over.top - box.top + over.height * 0.3) * scale);
        return ctx.getImageData(x, y, 1, 1).data[3];
      };
      return { alert: alphaAt(0.37), anomaly: alphaAt(0.75), none: alphaAt(0.6) };
    });
  const s = await sample();
  assert.ok(s.alert > 0, `alert band missing: ${JSON.stringify(s)}`);
  assert.ok(s.anomaly > 0, `anomaly band missing: ${JSON.stringify(s)}`);
  assert.equal(s.none, 0);
  await send(page, { type: 'markers', markers: [] });
  const cleared = await sample();
  assert.equal(cleared.alert, 0);
  // Anomalies only show on the chart of their series.
  const memAnomaly = await page.evaluate(() => document.getElementById('chart-processMemory') !== null);
  assert.ok(memAnomaly);
});

test('a run start, a file save, a git commit and an automated action are lines on every chart, with their labels as text and a legend entry each', async ({ page, url, dialogs }) => {
  const init = initMessage();
  init.columns.y = init.columns.y.map((col) => col.map(() => 0));
  const at = (f) => (T0_SEC + 300 * f) * 1000;
  init.markers = [
    { kind: 'run', fromMs: at(0.3), label: 'pid 4242 · 3f2a91c' },
    { kind: 'save', fromMs: at(0.6), label: HOSTILE[0] },
    { kind: 'commit', fromMs: at(0.15), label: 'a1b2c3d rooms: batch joins' },
    { kind: 'action', fromMs: at(0.8), label: 'restart · crash' },
  ];
  await open(page, url, { init });
  const columnInk = (chartId) =>
    page.evaluate((id) => {
      const fig = document.getElementById(id);
      const canvas = fig.querySelector('canvas');
      const over = fig.querySelector('.u-over').getBoundingClientRect();
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const ctx = canvas.getContext('2d');
      // The most opaque pixel low in the plot (under any label), around fraction fx of the width.
      const inkAt = (fx) => {
        const cx = Math.round((over.left - box.left + over.width * fx) * scale);
        const y = Math.round((over.top - box.top + over.height * 0.6) * scale);
        // Five columns by sixteen rows: wider than the line, taller than a dash and its gap.
        const d = ctx.getImageData(cx - 2, y, 5, 16).data;
        let best = 0;
        for (let i = 3; i < d.length; i += 4) {
          best = Math.max(best, d[i]);
        }
        return best;
      };
      return { run: inkAt(0.3), save: inkAt(0.6), commit: inkAt(0.15), action: inkAt(0.8), none: inkAt(0.45) };
    }, chartId);
  for (const id of ['chart-processCpu', 'chart-systemNetwork']) {
    const ink = await columnInk(id);
    assert.ok(ink.run > 0, `${id}: no line at the run start: ${JSON.stringify(ink)}`);
    assert.ok(ink.save > 0, `${id}: no line at the save: ${JSON.stringify(ink)}`);
    assert.ok(ink.commit > 0, `${id}: no line at the commit: ${JSON.stringify(ink)}`);
    assert.ok(ink.action > 0, `${id}: no line at the action: ${JSON.stringify(ink)}`);
    assert.equal(ink.none, 0, `${id}: ink between the lines`);
  }
  const legend = await page.locator('#chart-processCpu .band-legend').innerText();
  assert.match(legend, /Server started \(a new run\)/);
  assert.match(legend, /File saved/);
  assert.match(legend, /Git commit/);
  assert.match(legend, /Automated action on the server/);
  // A hostile file name is canvas text: nothing of it reaches the DOM as markup.
  assert.equal(await page.locator('img').count(), 0);
  assert.deepEqual(dialogs, []);
  await page.locator('#chart-processCpu').screenshot({ path: path.join(SHOTS, 'dashboard-moment-markers.png') }).catch(() => {});
  await send(page, { type: 'markers', markers: [] });
  const cleared = await columnInk('chart-processCpu');
  assert.equal(cleared.run, 0);
  assert.equal(cleared.commit, 0);
  assert.equal(cleared.action, 0);
  assert.equal(await page.locator('#chart-processCpu .band-legend').isHidden(), true);
});

test('a service of many instances: CPU and memory by instance side by side, one line an instance named by its instance label', async ({ page, url }) => {
  const init = initMessage();
  const instances = ['127.0.0.1:9101', 'pid 4243', HOSTILE[1]];
  const extra = [];
  for (const [name, unit, chart] of [['service_instance_cpu_usage_percent', 'percent', 'instanceCpu'], ['service_instance_resident_memory_bytes', 'bytes', 'instanceMemory']]) {
    for (const instance of instances) {
      extra.push({ key: `${name}{instance="${instance.replace(/"/g, '\\"')}"}`, name, labels: { instance }, unit, chart });
    }
  }
  init.catalogue = [...init.catalogue, ...extra];
  const more = columns(extra, { startSec: T0_SEC, points: 300 });
  init.columns = { x: init.columns.x, keys: [...init.columns.keys, ...more.keys], y: [...init.columns.y, ...more.y] };
  await open(page, url, { init });
  for (const id of ['chart-instanceCpu', 'chart-instanceMemory']) {
    assert.equal(await attr(page, `#${id}`, 'data-points'), '300', id);
    const labels = await page.locator(`#${id} .u-legend .u-series .u-label`).allInnerTexts();
    assert.deepEqual(labels.slice(1), ['127.0.0.1:9101', 'pid 4243', HOSTILE[1]], id);
  }
  const ink = await inkByChart(page);
  assert.ok(ink['chart-instanceCpu'] > 500 && ink['chart-instanceMemory'] > 500, JSON.stringify(ink));
  // Side by side: the two charts share a row of the grid.
  const [cpuBox, memBox] = await Promise.all(['#chart-instanceCpu', '#chart-instanceMemory'].map((sel) => page.locator(sel).boundingBox()));
  assert.ok(Math.abs(cpuBox.y - memBox.y) < 2 && memBox.x > cpuBox.x + cpuBox.width / 2, `${JSON.stringify(cpuBox)} ${JSON.stringify(memBox)}`);
  await page.locator('#chart-instanceCpu').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-instances.png') }).catch(() => {});
  // Without instances there are no such charts (a single process shows none).
  await open(page, url);
  assert.equal(await page.locator('#chart-instanceCpu').count(), 0);
});

test('one y axis per unit on a chart: latency in seconds is never read off the messages-per-second axis', async ({ page, url }) => {
  await open(page, url);
  const picked = initMessage().ui.selectedSeries;
  const units = new Set(initMessage().catalogue.filter((s) => picked.includes(s.key)).map((s) => s.unit));
  assert.ok(units.size >= 3, `the fixture's picked server series span ${units.size} units`);
  // uPlot draws one .u-axis per axis: x, then one per unit (two at most before: a third unit had none).
  assert.equal(await page.locator('#chart-server .u-axis').count(), 1 + units.size);
});

test('every band has a legend entry naming what it means; no bands, no legend', async ({ page, url }) => {
  // The fixture starts with a warning alert band and a CPU anomaly band.
  await open(page, url);
  const legend = (id) => page.locator(`#${id} .band-legend`);
  assert.deepEqual(await legend('chart-processCpu').locator('li').allTextContents(), ['Warning alert firing', 'Anomaly: unusual for this series']);
  // The anomaly is not on the memory chart: its legend names only the alert band.
  assert.deepEqual(await legend('chart-processMemory').locator('li').allTextContents(), ['Warning alert firing']);
  const swatch = await legend('chart-processCpu').locator('.band-anomaly .band-swatch').evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.notEqual(swatch, 'rgba(0, 0, 0, 0)');
  await send(page, { type: 'markers', markers: [] });
  assert.equal(await legend('chart-processCpu').isVisible(), false);
  await send(page, { type: 'markers', markers: [{ kind: 'alert', level: 'critical', fromMs: (T0_SEC + 60) * 1000 }] });
  assert.deepEqual(await legend('chart-processMemory').locator('li').allTextContents(), ['Critical alert firing']);
});

test('header shows stale and not-running states and dims the figures', async ({ page, url }) => {
  await open(page, url);
  await send(page, { type: 'header', header: { name: 'chat', status: 'unknown', state: 'notRunning', message: 'No process listens on port 8080; start the server or change chatroomMonitor.target.port.' } });
  assert.match(await text(page, '.dash-header'), /Not running/);
  assert.match(await text(page, '.dash-header .message'), /chatroomMonitor\.target\.port/);
  assert.equal(await page.evaluate(() => document.body.dataset.targetState), 'notRunning');
  const deco = await page.locator('.tile-value').first().evaluate((e) => getComputedStyle(e).textDecorationLine);
  assert.equal(deco, 'line-through');
  await send(page, { type: 'header', header: { name: 'chat', status: 'unknown', state: 'stale', pid: 1 } });
  assert.match(await text(page, '.dash-header'), /Stale — no fresh data/);
});

test('the header says when Prometheus would reject the latest scrape, as plain text', async ({ page, url, dialogs }) => {
  await open(page, url);
  assert.equal(await page.locator('.dash-header .verdict').count(), 0);
  const verdict = 'Prometheus would reject this scrape: line 14: invalid metric type "<img src=x onerror=alert(1)>"';
  await send(page, { type: 'header', header: { name: 'chat', status: 'warning', state: 'running', pid: 1, verdict } });
  assert.match(await text(page, '.dash-header .verdict'), /^\s*Prometheus would reject this scrape: line 14: invalid metric type "<img src=x onerror=alert\(1\)>" — the charts show what the monitor could read\.$/);
  assert.equal(await page.locator('.dash-header .verdict img').count(), 0);
  assert.equal(dialogs.length, 0);
  await send(page, { type: 'header', header: { name: 'chat', status: 'healthy', state: 'running', pid: 1 } });
  assert.equal(await page.locator('.dash-header .verdict').count(), 0);
});

test('the header of a service of many instances says how many are up and where they are read from, as text', async ({ page, url, dialogs }) => {
  await open(page, url);
  const service = '2/3 up · job "<img src=x onerror=alert(1)>" in Prometheus at http://127.0.0.1:9090';
  await send(page, { type: 'header', header: { name: 'chat', status: 'healthy', state: 'running', service } });
  const details = await text(page, '.dash-header .details');
  assert.equal(details, service);
  assert.doesNotMatch(details, /pid/);
  assert.equal(await page.locator('.dash-header img').count(), 0);
  assert.equal(dialogs.length, 0);
});

test('the series picker asks for the picked series and rebuilds the server chart', async ({ page, url }) => {
  await open(page, url);
  await page.locator('details.picker summary').click();
  await page.locator('input[data-key="chat_rooms"]').check();
  const last = (await posted(page)).at(-1);
  assert.equal(last.type, 'selectSeries');
  assert.ok(last.keys.includes('chat_rooms'));
  assert.equal(await page.locator('#chart-server .u-legend .u-series').count(), 6);
  assert.deepEqual(await page.evaluate(() => window.__state.selected), last.keys);
});

test('legends and the series picker show people\'s names for built-in series; the raw series name is the tooltip', async ({ page, url }) => {
  await open(page, url);
  // Legend rows: [Time, ...series]; the series rows as [text, tooltip].
  const legend = (id) =>
    page.$$eval(`#${id} .u-legend .u-series`, (rows) => rows.slice(1).map((r) => [r.querySelector('.u-label')?.textContent ?? '', r.getAttribute('title')]));
  assert.deepEqual(await legend('chart-processCpu'), [['Server CPU (% of a core)', 'process_cpu_usage_percent']]);
  assert.deepEqual(await legend('chart-systemNetwork'), [
    ['Network in', 'system_network_receive_bytes_per_second'],
    ['Network out', 'system_network_transmit_bytes_per_second'],
  ]);
  const usage = await legend('chart-systemUsage');
  assert.deepEqual(usage.map(([, raw]) => raw), ['system_cpu_usage_percent', 'system_memory_usage_percent']);
  assert.ok(usage.every(([label]) => !label.includes('_')), JSON.stringify(usage));
  // The screen-reader summary of a chart with several series names them the same way.
  assert.match(await text(page, '#chart-systemNetwork-summary'), /^Network in .*Network out /);
  // The server's own series have no display name: the raw name is the label, and the tooltip says it, then HELP.
  await page.locator('details.picker summary').click();
  const item = page.locator('details.picker label', { has: page.locator('input[data-key="chat_active_users"]') });
  assert.equal((await item.textContent()).trim(), 'chat_active_users');
  assert.equal(await item.getAttribute('title'), 'chat_active_users\nUsers connected now');
  assert.equal(await page.locator('details.picker label', { has: page.locator('input[data-key="chat_rooms"]') }).getAttribute('title'), 'chat_rooms');
});

for (const lang of WALK_LANGS) test(`keyboard: range buttons are reachable and work with Enter; focus is visible${inName(lang)}`, async ({ page, url }) => {
  await open(page, url, { lang });
  let found = false;
  for (let i = 0; i < 10 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement?.dataset?.range === '15m');
  }
  assert.ok(found, 'the 15m button is in the tab order');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await page.keyboard.press('Enter');
  const last = (await posted(page)).at(-1);
  assert.deepEqual([last.type, last.range], ['setRange', '15m']);
});

/** Presses Tab until `pred` (run in the page on document.activeElement) holds; returns the presses, or -1. */
async function tabTo(page, pred, max = 80) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(pred)) {
      return i;
    }
  }
  return -1;
}

for (const lang of WALK_LANGS) test(`keyboard only: Tab reaches a legend toggle, Space hides the series (aria-pressed, chart, summary, saved), Enter shows it again${inName(lang)}`, async ({ page, url }) => {
  await open(page, url, { lang });
  const toggle = '#chart-systemUsage button.legend-toggle[data-series="system_memory_usage_percent"]';
  assert.equal(await attr(page, toggle, 'aria-pressed'), 'true');
  const inkBefore = (await inkByChart(page))['chart-systemUsage'];
  const presses = await tabTo(page, () => document.activeElement?.dataset?.series === 'system_memory_usage_percent');
  assert.ok(presses > 0, 'the legend toggle is in the tab order');
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none', 'focus is visible');
  await page.keyboard.press('Space');
  await frame(page);
  assert.equal(await attr(page, toggle, 'aria-pressed'), 'false');
  assert.match(await page.locator('#chart-systemUsage .u-legend .u-series').nth(2).getAttribute('class'), /\bu-off\b/);
  const inkAfter = (await inkByChart(page))['chart-systemUsage'];
  assert.ok(inkAfter < inkBefore - 300, `the hidden line is no longer drawn (${inkBefore} → ${inkAfter} inked pixels)`);
  assert.deepEqual(await page.evaluate(() => window.__state.hidden), ['system_memory_usage_percent']);
  const summary = await text(page, '#chart-systemUsage-summary');
  assert.ok(!summary.includes(inLang(lang, 'Machine memory used')) && summary.includes(inLang(lang, 'Machine CPU (all cores)')), `summary names only the shown series: ${summary}`);
  assert.match(summary, lang ? /[\u4e00-\u9fff]/ : /now, min/);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.series), 'system_memory_usage_percent', 'focus stays on the toggle');
  await page.evaluate(() => (document.querySelector('#chart-systemUsage details.chart-table').open = true));
  await page.locator('#chart-systemUsage').screenshot({ path: path.join(SHOTS, `legend-keyboard-off${lang ? `-${lang}` : ''}.png`) });
  await page.keyboard.press('Enter');
  await frame(page);
  assert.equal(await attr(page, toggle, 'aria-pressed'), 'true');
  assert.deepEqual(await page.evaluate(() => window.__state.hidden), []);
});

for (const lang of WALK_LANGS) test(`keyboard only: each chart's data table opens from the keyboard with latest, min, max and trend formatted as the chart formats them${inName(lang)}`, async ({ page, url, units }) => {
  const init = initMessage();
  const n = init.columns.x.length;
  const mem = init.columns.keys.indexOf('process_resident_memory_bytes');
  init.columns.y[mem] = init.columns.x.map((_, i) => 100e6 + i * 200e3); // rising
  const cpu = init.columns.keys.indexOf('process_cpu_usage_percent');
  init.columns.y[cpu] = init.columns.x.map((_, i) => 90 - (i * 80) / n); // falling
  await open(page, url, { init, lang });
  assert.equal(await page.locator('figure.chart details.chart-table').count(), 5, 'one table per chart');
  assert.ok((await tabTo(page, () => document.activeElement?.matches('#chart-processMemory details.chart-table > summary'))) > 0, 'the table is in the tab order');
  assert.equal(await page.locator('#chart-processMemory-table').isVisible(), false);
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#chart-processMemory-table').isVisible(), true);
  const rows = (id) => page.$$eval(`#${id}-table tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  // A table is written by its 'toggle' event, a task queued after it opens: wait for
  // its rows (a table that is never written fails here, after 5 s).
  const rowsWhenOpened = async (id) => {
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length > 0, `#${id}-table tbody tr`, { timeout: 5000 });
    return rows(id);
  };
  const col = (i) => init.columns.y[i];
  const fmt = (v, unit) => units.formatValue(v, unit);
  assert.deepEqual(await rowsWhenOpened('chart-processMemory'), [
    [inLang(lang, 'Server memory (RSS)'), fmt(col(mem).at(-1), 'bytes'), fmt(Math.min(...col(mem)), 'bytes'), fmt(Math.max(...col(mem)), 'bytes'), `↗ ${inLang(lang, 'rising')}`],
  ]);
  // A closed table is written when it opens (not on every redraw).
  assert.deepEqual(await rows('chart-processCpu'), [], 'a closed table is not written');
  await page.evaluate(() => (document.querySelector('#chart-processCpu details.chart-table').open = true));
  assert.deepEqual(await rowsWhenOpened('chart-processCpu'), [
    [inLang(lang, 'Server CPU (% of a core)'), fmt(col(cpu).at(-1), 'percent'), fmt(Math.min(...col(cpu)), 'percent'), fmt(Math.max(...col(cpu)), 'percent'), `↘ ${inLang(lang, 'falling')}`],
  ]);
  const headers = await page.$$eval('#chart-processCpu-table thead th', (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(headers, ['Series', 'Latest', 'Min', 'Max', 'Trend'].map((h) => inLang(lang, h)));
  // The canvas is an image named by the summary sentence.
  const wrap = page.locator('#chart-processCpu .u-wrap');
  assert.equal(await wrap.getAttribute('role'), 'img');
  assert.equal(await wrap.getAttribute('aria-labelledby'), 'chart-processCpu-summary');
  // A new point reaches the table.
  const msg = appendMsg(n, 1);
  msg.columns.y[msg.columns.keys.indexOf('process_cpu_usage_percent')][0] = 42;
  await send(page, msg);
  assert.equal((await rows('chart-processCpu'))[0][1], fmt(42, 'percent'));
});

for (const lang of WALK_LANGS) test(`keyboard only: Tab walks every control of the dashboard in order, each with a visible focus outline, and leaves the page (no trap)${inName(lang)}`, async ({ page, url }) => {
  await open(page, url, { lang });
  const stops = [];
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) {
        return null;
      }
      const cs = getComputedStyle(el);
      const seen = (window.__tabSeen ??= new Set());
      const again = seen.has(el);
      seen.add(el);
      const name = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('title') || '').trim();
      return { tag: el.tagName, id: el.dataset?.series ?? el.dataset?.range ?? el.dataset?.action ?? el.dataset?.key ?? el.textContent.trim().slice(0, 30), name, outline: cs.outlineStyle, again };
    });
    if (!stop) {
      break;
    }
    stops.push(stop);
  }
  assert.ok(stops.length > 15 && stops.length < 200, `${stops.length} tab stops, then focus leaves the page`);
  assert.deepEqual(stops.filter((s) => s.outline === 'none'), [], 'every stop shows its focus');
  const ids = stops.map((s) => s.id);
  for (const want of ['15m', 'pause', 'report', 'compare-runs', 'process_cpu_usage_percent', 'system_memory_usage_percent']) {
    assert.ok(ids.includes(want), `${want} is a tab stop: ${ids.join(' | ')}`);
  }
  assert.ok(ids.filter((id) => id === inLang(lang, 'Data table')).length === 5, 'each chart\'s table is a tab stop');
  assert.deepEqual(stops.filter((s) => s.again), [], 'no stop is visited twice');
  if (lang) {
    // What a screen reader says at each stop is Chinese, but for range ids (15m, 1h) and raw metric names.
    const english = stops.filter((s) => !/[\u4e00-\u9fff]/.test(s.name) && !/^(?:\d+[mh]|all|[a-z_:][a-z0-9_:]*)$/i.test(s.name));
    assert.deepEqual(english, [], `every stop is named in Chinese: ${JSON.stringify(english.map((s) => s.name))}`);
  }
});

test('the data tables, legend and summaries follow the display language (zh-cn)', async ({ page, url }) => {
  await open(page, url, { lang: 'zh-cn' });
  const headers = await page.$$eval('#chart-processCpu-table thead th', (ths) => ths.map((t) => t.textContent));
  assert.ok(headers.every((h) => /[\u4e00-\u9fff]/.test(h)), `headers in Chinese: ${headers}`);
  assert.ok(/[\u4e00-\u9fff]/.test(await text(page, '#chart-processCpu details.chart-table > summary')));
  const summary = await text(page, '#chart-processCpu-summary');
  assert.ok(/[\u4e00-\u9fff]/.test(summary) && !/\bnow\b|\bover\b/.test(summary), summary);
  await page.evaluate(() => (document.querySelector('#chart-processCpu details.chart-table').open = true));
  await frame(page);
  const trend = await page.$$eval('#chart-processCpu-table tbody td[data-trend]', (tds) => tds.map((t) => t.textContent));
  assert.ok(trend.length > 0 && trend.every((t) => /[\u4e00-\u9fff]/.test(t)), `trend in words, in Chinese: ${trend}`);
  // uPlot's legend: the full-width colon after each name, and the time in the page's own words (not "--").
  const colons = await page.$$eval('#chart-processCpu .u-legend th', (ths) => ths.map((t) => getComputedStyle(t, '::after').content));
  assert.ok(colons.length > 1 && colons.every((c) => c === '"："'), `legend colons: ${colons}`);
  assert.equal(await text(page, '#chart-processCpu .u-legend .u-series:first-child .u-value'), '—');
  await page.locator('#chart-processCpu details.chart-table > summary').click();
  await page.locator('#chart-processCpu').screenshot({ path: path.join(SHOTS, 'chart-table-zh-cn.png') });
});

const AXE_SOURCE = fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2 A/AA and best-practice rules on the page as it stands; the serious
 * and critical violations, one line each. axe is evaluated through the DevTools
 * protocol (page.evaluate), which the page's CSP does not govern: the page itself
 * still loads nothing but its own nonce'd script.
 */
async function axeViolations(page, name) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1, 2).join('')}`) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  // All of them, minor ones too, beside the screenshots: what the assertion's short message cannot hold.
  fs.writeFileSync(path.join(SHOTS, `axe-${name}.json`), JSON.stringify(violations, null, 1));
  return bad;
}

for (const theme of ['dark', 'light', 'hc']) {
  test(`axe-core finds no serious or critical accessibility violation on the dashboard (${theme}, tables open, a series off)`, async ({ page, url }) => {
    await open(page, url, { theme });
    await page.locator('#chart-systemUsage button.legend-toggle[data-series="system_memory_usage_percent"]').click();
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
    await frame(page);
    const v = await axeViolations(page, theme);
    assert.deepEqual(v, [], JSON.stringify(v, null, 1));
  });
}

test('axe-core finds no serious or critical accessibility violation on the dashboard in Chinese', async ({ page, url }) => {
  await open(page, url, { lang: 'zh-cn' });
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  const v = await axeViolations(page, 'zh-cn');
  assert.deepEqual(v, [], JSON.stringify(v, null, 1));
});

test('ignores malformed host messages with one warning sentence', async ({ page, url, consoleErrors, consoleWarnings }) => {
  await open(page, url);
  await send(page, { type: 'append', columns: { x: [2, 1], keys: [], y: [] } });
  await send(page, { type: 'launchMissiles' });
  assert.equal(consoleWarnings.length, 2);
  assert.match(consoleWarnings[0], /^Ignored a "append" message from the extension: columns x must be finite times in seconds, in ascending order\.$/);
  assert.deepEqual(consoleErrors, []);
  assert.equal(await text(page, '.dash-header h1'), 'chat');
});

test('data stays bounded: 30 minutes of appends at 5m keep 301 points', async ({ page, url }) => {
  await open(page, url);
  const keys = initMessage().columns.keys;
  const cat = initMessage().catalogue.filter((s) => keys.includes(s.key));
  // 30 min at 1 Hz, delivered 60 points per message to keep the test quick.
  for (let i = 0; i < 30; i++) {
    await page.evaluate((m) => window.postMessage(m, '*'), {
      type: 'append',
      columns: columns(cat, { startSec: T0_SEC + 300 + i * 60, points: 60, offset: 300 + i * 60 }),
    });
  }
  await frame(page);
  assert.equal(await attr(page, '#chart-processCpu', 'data-points'), '301');
  assert.equal(await attr(page, '#chart-systemUsage', 'data-points'), '301');
});

test('over an hour, charts redraw only when a tick moves the lines a pixel; tiles every tick', async ({ page, url }) => {
  await open(page, url, { init: initMessage({ points: 3600, range: '1h' }) });
  const summary = await text(page, '#chart-processCpu-summary');
  const m = appendMsg(3600, 1);
  m.columns.y[0][0] = 3;
  await send(page, m);
  assert.equal(await text(page, '.tile[data-role="cpu"] .tile-value'), '3%');
  assert.equal(await text(page, '#chart-processCpu-summary'), summary, 'a sub-pixel tick does not redraw');
  for (let i = 1; i <= 10; i++) {
    await send(page, appendMsg(3600 + i, 1));
  }
  assert.notEqual(await text(page, '#chart-processCpu-summary'), summary, 'ten seconds later the charts caught up');
  assert.equal(await attr(page, '#chart-processCpu', 'data-points'), '3600', 'held points stay capped at maxPoints');
});

test('light and dark themes: charts follow the theme; screenshots saved', async ({ page, url }) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await open(page, url, { theme: 'light' });
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(255, 255, 255)');
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-light.png'), fullPage: true });
  const lightAxis = await page.evaluate(() => document.querySelector('#chart-processCpu .u-legend .u-series:nth-child(2) .u-marker')?.style.borderColor);
  await page.evaluate(() => {
    document.body.classList.replace('vscode-light', 'vscode-dark');
  });
  await frame(page);
  const darkAxis = await page.evaluate(() => document.querySelector('#chart-processCpu .u-legend .u-series:nth-child(2) .u-marker')?.style.borderColor);
  assert.notEqual(lightAxis, darkAxis, `series colours follow the theme: ${lightAxis} / ${darkAxis}`);
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-dark.png'), fullPage: true });
  await open(page, url, { theme: 'hc' });
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-high-contrast.png'), fullPage: true });
  assert.ok(fs.statSync(path.join(SHOTS, 'dashboard-dark.png')).size > 10_000);
});

// ---------------------------------------------------------------------------
// runner

// ---------------------------------------------------------------------------
// the Logs view page (dist/logsPage.js)

const LOG_T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown'];

function logsState({ total = 100_000, groups = [], filter = { levels: LEVELS, text: '' }, notes = [] } = {}) {
  return { type: 'state', total, kept: total, levels: { trace: 0, debug: 0, info: total - 10, warn: 0, error: 10, fatal: 0, unknown: 0 }, groups, filter, notes };
}

const GROUP = {
  id: 'g1', type: 'TypeError', message: "Cannot read properties of undefined (reading 'user')", count: 37, firstSeenMs: LOG_T0, lastSeenMs: LOG_T0 + 5000,
  sparkline: Array.from({ length: 30 }, (_, i) => (i > 25 ? i - 25 : 0)), regression: false,
  frames: [{ index: 0, label: 'src/mentions.ts:21:24', function: 'resolveMentions', inWorkspace: true }, { index: 1, label: 'node:internal/x:1:1', inWorkspace: false }],
};

/** Plays the host: answers every new rows request with generated rows (`text(i)` for row i). */
async function answerRows(page, text = (i) => `line ${i}`, total = 100_000, message = () => undefined) {
  const answered = new Set();
  for (let k = 0; k < 20; k++) {
    const reqs = (await posted(page)).filter((m) => m.type === 'rows' && !answered.has(m.requestId));
    if (reqs.length === 0) {
      await frame(page);
      continue;
    }
    for (const r of reqs) {
      answered.add(r.requestId);
      const rows = [];
      for (let i = r.from; i < Math.min(total, r.from + r.count); i++) {
        rows.push({ seq: i, timeMs: LOG_T0 + i, level: i % 10 === 0 ? 'error' : 'info', source: 'stdout', text: text(i), ...(message(i) !== undefined ? { message: message(i) } : {}), ...(i % 10 === 0 ? { groupId: 'g1', frame: GROUP.frames[0] } : {}) });
      }
      await send(page, { type: 'rows', from: r.from, total, rows, requestId: r.requestId });
    }
  }
}

async function openLogs(page, url, state = logsState({ groups: [GROUP] })) {
  await page.goto(`${url}logs.html?theme=dark`);
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  await send(page, state);
  await answerRows(page);
}

test('logs view: 100,000 lines are a tall list with only the visible rows in the DOM; scrolling asks for the rows shown', async ({ page, url }) => {
  await openLogs(page, url);
  const rows = await page.locator('.log-row').count();
  assert.ok(rows > 10 && rows < 200, `${rows} rows in the DOM for 100,000 lines`);
  const spacer = await page.evaluate(() => document.querySelector('.log-spacer').getBoundingClientRect().height);
  assert.equal(spacer, 100_000 * 20);
  // Follow mode: the end of the list is shown.
  assert.ok(await page.locator('.log-row[data-seq="99999"]').count(), 'the last line is shown while following');
  await page.evaluate(() => (document.querySelector('.log-viewport').scrollTop = 50_000 * 20));
  await answerRows(page);
  const req = (await posted(page)).filter((m) => m.type === 'rows').at(-1);
  assert.ok(req.from <= 50_000 && req.from + req.count > 50_000, JSON.stringify(req));
  assert.ok(await page.locator('.log-row[data-seq="50005"]').count(), 'row 50,005 is rendered after the scroll');
  assert.equal(await page.locator('button.follow').getAttribute('aria-pressed'), 'false', 'scrolling up stops following');
  assert.ok((await page.locator('.log-row').count()) < 200);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'logs-view.png'), fullPage: true });
});

test('logs view: level chips, search and a group filter ask the host to filter', async ({ page, url }) => {
  await openLogs(page, url);
  await page.locator('.level-chips button[data-level="info"]').click();
  let f = (await posted(page)).filter((m) => m.type === 'filter').at(-1);
  assert.deepEqual(f.filter.levels, ['trace', 'debug', 'warn', 'error', 'fatal', 'unknown']);
  await page.locator('input.log-search').fill('mention');
  await page.waitForFunction(() => window.__posted.filter((m) => m.type === 'filter').at(-1).filter.text === 'mention');
  await page.locator('.group[data-group-id="g1"] button.filter-group').click();
  f = (await posted(page)).filter((m) => m.type === 'filter').at(-1);
  assert.equal(f.filter.groupId, 'g1');
  assert.equal(f.filter.text, 'mention');
});

test('logs view: a group shows its count and sparkline; clicking a stack frame asks the host to open it (by group and index, never a path)', async ({ page, url }) => {
  await openLogs(page, url);
  assert.equal(await text(page, '.group[data-group-id="g1"] .count'), '37×');
  assert.equal(await page.locator('.group[data-group-id="g1"] svg.group-spark polyline').count(), 1);
  assert.equal(await page.locator('.group[data-group-id="g1"] .frames .frame-link').count(), 1, 'only the workspace frame is a link');
  await page.locator('.group[data-group-id="g1"] .frame-link').first().click();
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'openFrame').at(-1), { type: 'openFrame', groupId: 'g1', index: 0 });
  // The frame on an error row opens the same way.
  await page.locator('.log-row[data-seq="99990"] .frame-link').click();
  assert.equal((await posted(page)).filter((m) => m.type === 'openFrame').length, 2);
});

test('logs view: hostile log text, group messages and notes show as literal text, controls named', async ({ page, url, consoleErrors, dialogs }) => {
  await page.goto(`${url}logs.html?theme=dark`);
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  await send(page, logsState({ total: 3, groups: [{ ...GROUP, type: HOSTILE[0], message: HOSTILE[1] }], notes: [HOSTILE[0]] }));
  await answerRows(page, (i) => (i === 0 ? HOSTILE[0] : i === 1 ? `evil \u202Egnp.exe\nsecond line ${HOSTILE[1]}` : 'plain'), 3);
  const body = await page.evaluate(() => document.body.innerText);
  for (const h of HOSTILE) assert.ok(body.includes(h), `missing literal ${h}`);
  assert.ok(body.includes('⟨U+202E⟩'), 'the bidi override is named, not obeyed');
  assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
  assert.equal(await page.locator('script:not([type="application/json"])').count(), 2, 'no <script> element was created');
  assert.equal(await page.locator('script[type="application/json"]').count(), 1, 'only the host\'s messages block');
  await page.locator('.log-row[data-seq="1"]').click();
  const detail = await text(page, '.log-detail');
  assert.ok(detail.includes('second line') && detail.includes('⟨U+202E⟩'), detail);
  await page.waitForTimeout(200);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(consoleErrors, []);
  const violations = await page.evaluate(() => window.__violations);
  assert.deepEqual(violations, [], 'the page needs nothing the CSP forbids');
});

test('logs view: a structured line reads as its message; the raw line is in the detail pane', async ({ page, url }) => {
  await page.goto(`${url}logs.html?theme=dark`);
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  await send(page, logsState({ total: 2 }));
  const raw = '{"level":50,"msg":"chat handler failed","err":{"type":"TypeError"}}';
  await answerRows(page, (i) => (i === 0 ? raw : 'plain words'), 2, (i) => (i === 0 ? 'chat handler failed — TypeError: boom' : undefined));
  assert.equal(await text(page, '.log-row[data-seq="0"] .text'), 'chat handler failed — TypeError: boom');
  assert.equal(await text(page, '.log-row[data-seq="1"] .text'), 'plain words');
  await page.locator('.log-row[data-seq="0"]').click();
  assert.equal(await text(page, '.log-detail'), raw);
});

// ---------------------------------------------------------------------------
// the Traces view page (dist/tracesPage.js)

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TRACE_T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function tracesState({ operations, slowest, diagnosis = [], receiver } = {}) {
  return {
    type: 'state',
    receiver: receiver ?? { state: 'listening', message: 'Receiving OpenTelemetry spans and logs (OTLP/HTTP) on http://127.0.0.1:4318.' },
    spansReceived: 1268,
    tracesKept: 317,
    operations: operations ?? [
      { service: 'chat-server', name: 'chat message', kind: 'server', category: 'server', count: 300, ratePerSecond: 2.5, errorRate: 0.01, p50Ms: 4.2, p95Ms: 45.1, p99Ms: 61.7 },
      { service: 'chat-server', name: 'db.query INSERT messages', kind: 'client', category: 'db', count: 300, ratePerSecond: 2.5, errorRate: 0, p50Ms: 1.1, p95Ms: 40.3, p99Ms: 58 },
      { service: 'moderation', name: 'POST /moderate', kind: 'server', category: 'server', count: 300, ratePerSecond: 2.5, errorRate: 0, p50Ms: 0.8, p95Ms: 2.1, p99Ms: 3.9 },
    ],
    slowest: slowest ?? [
      { traceId: TRACE_ID, durationMs: 63.2, service: 'chat-server', name: 'chat message', startMs: TRACE_T0, error: false, spanCount: 4 },
      { traceId: '1'.repeat(32), durationMs: 51, service: 'chat-server', name: 'chat message', startMs: TRACE_T0 + 1000, error: true, spanCount: 4 },
    ],
    diagnosis,
  };
}

function traceMessage(overrides = {}) {
  const span = (o) => ({ kind: 'internal', category: 'internal', depth: 0, selfMs: 0, criticalMs: 0, status: 'unset', canOpen: false, attributes: [], service: 'chat-server', ...o });
  return {
    type: 'trace',
    traceId: TRACE_ID,
    trace: {
      traceId: TRACE_ID, durationMs: 63.2, service: 'chat-server', name: 'chat message', startMs: TRACE_T0, error: false, spanCount: 4,
      spans: [
        span({ name: 'chat message', kind: 'server', category: 'server', startOffsetMs: 0, durationMs: 63.2, selfMs: 3.2, criticalMs: 3.2, source: 'server.js:212 tracedChat', canOpen: true, attributes: [['code.filepath', '/ws/server.js'], ['code.lineno', '212']] }),
        span({ name: 'POST', kind: 'client', category: 'client', depth: 1, startOffsetMs: 1, durationMs: 2.5, selfMs: 0.5, criticalMs: 0.5 }),
        span({ name: 'POST /moderate', service: 'moderation', kind: 'server', category: 'server', depth: 2, startOffsetMs: 1.5, durationMs: 2, selfMs: 2, criticalMs: 2 }),
        span({ name: 'db.query INSERT messages', kind: 'client', category: 'db', depth: 1, startOffsetMs: 4, durationMs: 57.5, selfMs: 57.5, criticalMs: 57.5, attributes: [['db.system', 'sqlite'], ['db.statement', 'INSERT INTO messages VALUES (?, ?)']] }),
      ],
      ...overrides,
    },
  };
}

async function openTraces(page, url, state = tracesState()) {
  await page.goto(`${url}traces.html?theme=dark`);
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  await send(page, state);
}

test('traces view: the Operations table shows rate, errors and p50/p95/p99 per operation, sorted by p95; a header click sorts', async ({ page, url }) => {
  await openTraces(page, url);
  const rows = () => page.locator('table.ops tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
  assert.deepEqual(await rows(), [
    ['chat-server', 'chat message', '2.5/s', '1%', '4.2 ms', '45.1 ms', '61.7 ms', '300'],
    ['chat-server', 'db.query INSERT messages', '2.5/s', '0%', '1.1 ms', '40.3 ms', '58 ms', '300'],
    ['moderation', 'POST /moderate', '2.5/s', '0%', '800 µs', '2.1 ms', '3.9 ms', '300'],
  ]);
  assert.equal(await page.locator('th[data-key="p95Ms"]').getAttribute('aria-sort'), 'descending');
  await page.locator('th[data-key="p50Ms"] button').click();
  assert.deepEqual((await rows()).map((r) => r[1]), ['chat message', 'db.query INSERT messages', 'POST /moderate']);
  await page.locator('th[data-key="p50Ms"] button').click();
  assert.deepEqual((await rows()).map((r) => r[1]), ['POST /moderate', 'db.query INSERT messages', 'chat message']);
  assert.equal(await page.locator('th[data-key="p50Ms"]').getAttribute('aria-sort'), 'ascending');
  await page.locator('th[data-key="service"] button').click();
  assert.deepEqual((await rows()).map((r) => r[0]), ['chat-server', 'chat-server', 'moderation']);
});

test('traces view: the slowest trace is asked for at once; its waterfall marks the critical path; a span shows its attributes and opens its source by index', async ({ page, url }) => {
  await openTraces(page, url);
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'selectTrace'), [{ type: 'selectTrace', traceId: TRACE_ID }]);
  await send(page, traceMessage());
  assert.equal(await page.locator('.span-row').count(), 4);
  assert.deepEqual(await page.locator('.span-row').evaluateAll((rs) => rs.map((r) => [r.dataset.category, r.dataset.critical])), [['server', 'true'], ['client', 'true'], ['server', 'true'], ['db', 'true']]);
  // Bars sit where the spans ran: the database span from 4 ms for 57.5 of 63.2 ms.
  const db = await page.locator('.span-row[data-index="3"] .bar').evaluate((b) => ({ left: b.style.left, width: b.style.width, critical: b.classList.contains('critical') }));
  assert.equal(Number.parseFloat(db.left).toFixed(2), ((100 * 4) / 63.2).toFixed(2));
  assert.equal(Number.parseFloat(db.width).toFixed(2), ((100 * 57.5) / 63.2).toFixed(2));
  assert.ok(db.critical);
  assert.match(await text(page, '.span-row[data-index="3"] .span-time'), /57\.5 ms · 57\.5 ms critical/);
  await page.locator('.span-row[data-index="3"]').click();
  assert.match(await text(page, '.span-detail'), /db\.statementINSERT INTO messages VALUES \(\?, \?\)/);
  assert.equal(await page.locator('.span-detail .frame-link').count(), 0, 'no source link for a span without one');
  await page.locator('.span-row[data-index="0"] button.open-source').click();
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'openSpan'), [{ type: 'openSpan', traceId: TRACE_ID, index: 0 }]);
  await page.locator('.span-row[data-index="0"]').click();
  await page.locator('.span-detail .frame-link').click();
  assert.equal((await posted(page)).filter((m) => m.type === 'openSpan').length, 2);
  await page.locator(`button[data-trace-id="${'1'.repeat(32)}"]`).click();
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'selectTrace').at(-1), { type: 'selectTrace', traceId: '1'.repeat(32) });
  await send(page, { type: 'trace', traceId: '1'.repeat(32) });
  assert.match(await text(page, '.trace-head'), /no longer kept/);
  fs.mkdirSync(SHOTS, { recursive: true });
  await send(page, { type: 'trace', traceId: '1'.repeat(32), trace: { ...traceMessage().trace, traceId: '1'.repeat(32) } });
  await page.locator('.span-row[data-index="3"]').click();
  await page.screenshot({ path: path.join(SHOTS, 'traces-view.png'), fullPage: true });
});

test('traces view: hostile span names, attributes, services and the receiver sentence show as literal text', async ({ page, url, consoleErrors, dialogs }) => {
  const evil = `${HOSTILE[0]} \u202Egnp.exe`;
  await openTraces(page, url, tracesState({
    receiver: { state: 'failed', message: HOSTILE[1] },
    diagnosis: [`p95 of ${HOSTILE[0]} rose`],
    operations: [{ service: HOSTILE[1], name: evil, kind: 'server', category: 'server', count: 1, ratePerSecond: 1, errorRate: 0, p50Ms: 1, p95Ms: 1, p99Ms: 1 }],
    slowest: [{ traceId: TRACE_ID, durationMs: 1, service: HOSTILE[1], name: evil, startMs: TRACE_T0, error: false, spanCount: 1 }],
  }));
  const t = traceMessage();
  t.trace.spans[0] = { ...t.trace.spans[0], name: evil, service: HOSTILE[1], statusMessage: HOSTILE[0], status: 'error', source: HOSTILE[1], attributes: [[HOSTILE[0], HOSTILE[1]]] };
  await send(page, t);
  await page.locator('.span-row[data-index="0"]').click();
  const body = await page.evaluate(() => document.body.innerText);
  for (const h of HOSTILE) assert.ok(body.includes(h), `missing literal ${h}`);
  assert.ok(body.includes('⟨U+202E⟩'), 'the bidi override is named, not obeyed');
  assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
  assert.equal(await page.locator('script:not([type="application/json"])').count(), 2, 'no <script> element was created');
  assert.equal(await page.locator('script[type="application/json"]').count(), 1, 'only the host\'s messages block');
  await page.waitForTimeout(200);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'the page needs nothing the CSP forbids');
});

test('traces view: a window from a dashboard chart point is said in a banner, its slowest trace is shown, and Show all traces asks for everything', async ({ page, url }) => {
  await openTraces(page, url);
  assert.equal(await page.locator('.window-banner').isVisible(), false, 'no banner without a window');
  await send(page, traceMessage());
  assert.equal(await page.locator('.span-row').count(), 4);
  // The host narrows the view to a moment: another slowest list; the page asks for its slowest trace.
  const window = { fromMs: TRACE_T0 - 30_000, toMs: TRACE_T0 + 5_000 };
  const other = '2'.repeat(32);
  await send(page, { ...tracesState({ slowest: [{ traceId: other, durationMs: 182, service: 'chat-server', name: 'chat message', startMs: TRACE_T0 - 2000, error: false, spanCount: 4 }] }), window });
  assert.equal(await page.locator('.window-banner').isVisible(), true);
  assert.match(await text(page, '.window-banner'), /^Traces of the moment picked on the dashboard chart: \d\d:\d\d:\d\d to \d\d:\d\d:\d\d\. Show all traces$/);
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'selectTrace').at(-1), { type: 'selectTrace', traceId: other });
  assert.equal(await page.locator('.span-row').count(), 0, 'the waterfall of the trace picked before is gone');
  // The same window again (the host's refresh) keeps the user's pick.
  await page.locator(`button[data-trace-id="${other}"]`).click();
  const before = (await posted(page)).filter((m) => m.type === 'selectTrace').length;
  await send(page, { ...tracesState({ slowest: [{ traceId: other, durationMs: 182, service: 'chat-server', name: 'chat message', startMs: TRACE_T0 - 2000, error: false, spanCount: 4 }] }), window });
  assert.equal((await posted(page)).filter((m) => m.type === 'selectTrace').length, before);
  await page.locator('.window-banner button[data-action="show-all"]').click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'showAll' });
  await send(page, tracesState());
  assert.equal(await page.locator('.window-banner').isVisible(), false);
  // An empty window says so.
  await send(page, { ...tracesState({ slowest: [] }), window });
  assert.match(await text(page, '.slowest'), /No trace in this window/);
});

test('traces view: an exemplar picked on the dashboard selects its trace, also outside the slowest; a trace no longer kept says so', async ({ page, url }) => {
  await openTraces(page, url);
  const window = { fromMs: TRACE_T0 - 30_000, toMs: TRACE_T0 + 5_000 };
  const picked = '3'.repeat(32);
  await send(page, { ...tracesState(), window, select: picked });
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'selectTrace').at(-1), { type: 'selectTrace', traceId: picked });
  await send(page, { type: 'trace', traceId: picked });
  assert.equal(await text(page, '.trace-head'), 'That trace is no longer kept.');
  // A kept one: its waterfall.
  await send(page, { ...tracesState(), window, select: TRACE_ID });
  await send(page, traceMessage());
  assert.equal(await page.locator('.span-row').count(), 4);
  // The next refresh (no select) keeps it.
  const n = (await posted(page)).filter((m) => m.type === 'selectTrace').length;
  await send(page, { ...tracesState(), window });
  assert.equal((await posted(page)).filter((m) => m.type === 'selectTrace').length, n);
});

test('traces view: no receiver says why, and an empty table says what to do', async ({ page, url }) => {
  await openTraces(page, url, tracesState({ receiver: { state: 'untrusted', message: 'The OTLP receiver is off in this untrusted workspace (Restricted Mode): trust the workspace to receive OpenTelemetry spans and logs on 127.0.0.1:4318.' }, operations: [], slowest: [] }));
  assert.match(await text(page, '.traces-summary'), /off in this untrusted workspace/);
  assert.match(await text(page, 'table.ops tbody'), /No spans yet/);
  assert.match(await text(page, '.slowest'), /No trace yet/);
  assert.equal((await posted(page)).filter((m) => m.type === 'selectTrace').length, 0);
});

// ---------------------------------------------------------------------------
// the Logs and Traces pages in Chinese

/**
 * The English words left in what the page itself writes (text, aria-label, title,
 * placeholder), once the host's data is taken out: `hostText` (server text: lines,
 * error groups, span and service names) and the elements matched by `hostSelectors`.
 */
async function englishLeft(page, { hostSelectors = [], hostText = [], allowed = [] }) {
  const written = await page.evaluate((sel) => {
    const root = document.body.cloneNode(true);
    for (const s of ['script', 'style', ...sel]) root.querySelectorAll(s).forEach((e) => e.remove());
    const attrs = [...root.querySelectorAll('[aria-label], [title], [placeholder]')].flatMap((e) => ['aria-label', 'title', 'placeholder'].map((a) => e.getAttribute(a) ?? ''));
    return [root.textContent, ...attrs].join('\n');
  }, hostSelectors);
  const rest = hostText.reduce((t, h) => t.split(h).join(' '), written);
  return (rest.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !allowed.includes(w));
}

test('logs view in Chinese: headings, level chips, summary, buttons and labels are Chinese; lines, groups and notes stay as the host sent them', async ({ page, url }) => {
  await page.goto(`${url}logs.html?theme=dark&lang=zh-cn`);
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  await send(page, logsState({ total: 30, groups: [{ ...GROUP, regression: true }], notes: ['logs/app.log 尚不存在；它出现后会从头读取。'] }));
  await answerRows(page, (i) => (i === 25 ? 'first line\nsecond line\nthird line' : `line ${i}`), 30);
  assert.equal(await text(page, 'h1'), '日志');
  assert.match(await text(page, '.level-chips button[data-level="info"]'), /^信息 /);
  assert.match(await text(page, '.level-chips button[data-level="warn"]'), /^警告 /);
  assert.equal(await text(page, '.log-row[data-seq="20"] .level'), '错误');
  assert.match(await text(page, '.log-row[data-seq="25"] .more'), /另有 2 行/);
  await page.locator('.group[data-group-id="g1"] button.filter-group').click();
  await send(page, logsState({ total: 30, groups: [{ ...GROUP, regression: true }], filter: { levels: LEVELS, text: '', groupId: 'g1' } }));
  await answerRows(page, (i) => (i === 25 ? 'first line\nsecond line\nthird line' : `line ${i}`), 30);
  await page.locator('.log-row[data-seq="25"]').click();
  const left = await englishLeft(page, {
    hostSelectors: ['.log-row .text', '.log-row .source', '.log-detail', '.logs-notes'],
    hostText: [GROUP.type, GROUP.message, ...GROUP.frames.flatMap((f) => [f.label, f.function ?? ''])],
  });
  assert.deepEqual(left, [], 'English written by the page');
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'logs-view-zh-cn.png'), fullPage: true });
});

test('traces view in Chinese: headings, columns, counts, the waterfall\'s words and labels are Chinese; span and service names stay as sent', async ({ page, url }) => {
  await page.goto(`${url}traces.html?theme=dark&lang=zh-cn`);
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  await send(page, tracesState({ receiver: { state: 'listening', message: '正在 http://127.0.0.1:4318 上接收 OpenTelemetry 的 span 和日志（OTLP/HTTP）。' } }));
  await send(page, traceMessage({ spans: traceMessage().trace.spans.map((sp, i) => (i === 3 ? { ...sp, status: 'error' } : sp)) }));
  await page.locator('.span-row[data-index="3"]').click();
  assert.equal(await text(page, 'h1'), '链路追踪');
  assert.match(await text(page, '.traces-summary'), /已收到 1,268 个 span，保留 317 条链路。/);
  assert.match(await text(page, '.span-detail .meta'), /自身 57\.5 ms，关键路径上 57\.5 ms\) · 错误$/);
  assert.match(await attr(page, '.span-row[data-index="3"]', 'aria-label'), /，在关键路径上$/);
  const spans = traceMessage().trace.spans;
  const left = await englishLeft(page, {
    hostSelectors: ['.receiver', '.diagnosis', '.span-detail .attributes', '.span-detail .source'],
    hostText: [...new Set([...spans.flatMap((sp) => [sp.name, sp.service, sp.source ?? '']).filter(Boolean), 'chat-server', 'moderation', 'db.query INSERT messages', 'POST /moderate', 'chat message'])].sort((a, b) => b.length - a.length),
    // OpenTelemetry's span kinds and the word span are written as OpenTelemetry writes them.
    allowed: ['server', 'client', 'internal', 'span'],
  });
  assert.deepEqual(left, [], 'English written by the page');
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'traces-view-zh-cn.png'), fullPage: true });
});

async function main() {
  const { bundleBytes, html } = await buildAll();
  const units = await loadTsModule('src/core/units.ts');
  console.log(`dist/webview.js: ${(bundleBytes / 1024).toFixed(1)} KB minified`);
  const server = await startFixtureServer(html);
  const browser = await chromium.launch({ executablePath: pageChromiumPath(), args: CHROMIUM_ARGS, headless: true });
  const only = process.argv[2];
  let passed = 0;
  let failed = 0;
  try {
    for (const t of tests) {
      if (only && !t.name.includes(only)) {
        continue;
      }
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const consoleErrors = [];
      const consoleWarnings = [];
      const dialogs = [];
      page.on('console', (m) => {
        if (m.type() === 'error') {
          consoleErrors.push(m.text());
        } else if (m.type() === 'warning') {
          consoleWarnings.push(m.text());
        }
      });
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      try {
        let timer;
        await Promise.race([
          t.fn({ page, url: server.url, consoleErrors, consoleWarnings, dialogs, units }),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS} ms`)), TEST_TIMEOUT_MS))),
        ]).finally(() => clearTimeout(timer));
        // A test that does not expect console errors must not have produced any.
        if (!t.fn.toString().includes('consoleErrors')) {
          const unexpected = consoleErrors.filter((e) => !/Content Security Policy/.test(e));
          assert.deepEqual(unexpected, [], 'console errors');
        }
        passed++;
        console.log(`  ✔ ${t.name}`);
      } catch (err) {
        failed++;
        console.log(`  ✘ ${t.name}\n      ${String(err?.stack ?? err).split('\n').slice(0, 6).join('\n      ')}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
