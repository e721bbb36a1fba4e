/**
 * The dashboard webview through the real workbench: the header names the example
 * server's pid, the charts draw, the CPU tile has a number, the alert cpu-burn fires
 * is in the panel's list; the panel survives "Developer: Reload Window" with the history
 * from before the reload (restored from disk) and renders in the light and the dark theme.
 * The reload check is one definition for every display language ({@link dashboardReloadCheck}).
 */
import { FrameLocator } from 'playwright-core';
import type { E2eCheck } from '../support/check';
import { ensureCpuBurn, useLowCpuThreshold } from '../support/cpuBurnPhase';
import type { Workbench } from '../support/workbench';
import { writeHistoryHours } from '../support/historyHours';
import { chartInk, dashboardFrame, runCommand, scrollIntoView, serverPid, seriesInk, updateWorkspaceSettings, workbenchThemeKind, waitUntil } from '../support/workbenchUi';

/** A chart canvas with fewer inked pixels than this shows nothing but, at most, stray pixels. */
const MIN_INK_PIXELS = 500;
/** Pixels in the CPU series' colour: a few seconds of data after a reload draw a short line. */
const MIN_LINE_PIXELS = 8;
/** Hours of history written before the reload: the raw hour a reload restores, and two more only the 1 min tier keeps. */
const HISTORY_HOURS = 3;

/** Clicks a range button and waits until the CPU chart starts at or before `firstAtMostMs`; its points, first time and plot width. */
async function showRange(wb: Workbench, frame: FrameLocator, range: string, firstAtMostMs: number): Promise<{ points: number; firstMs: number; widthPx: number }> {
  await frame.locator(`button[data-range="${range}"]`).click();
  const chart = frame.locator('figure.chart#chart-processCpu');
  const read = (): Promise<{ points: number; firstMs: number; widthPx: number }> =>
    chart.evaluate(
      (el) => ({ points: Number(el.getAttribute('data-points')), firstMs: Number(el.getAttribute('data-first-ms')), widthPx: el.getBoundingClientRect().width }),
      undefined,
      { timeout: 5000 },
    );
  await waitUntil(
    wb,
    `the CPU chart at ${range} to start by ${new Date(firstAtMostMs).toISOString()}`,
    async () => {
      const c = await read();
      return c.firstMs > 0 && c.firstMs <= firstAtMostMs;
    },
    20000,
    async () => JSON.stringify({ ...(await read()), firstIso: new Date((await read()).firstMs).toISOString() }),
  );
  return read();
}


/** Header with the pid, a CPU tile with a number, and charts that drew something (the zh-cn checks use it too). */
export async function expectRendered(wb: Workbench, frame: FrameLocator): Promise<void> {
  const pid = serverPid();
  const details = frame.locator('.dash-header .details');
  await waitUntil(wb, `the header to show pid ${pid}`, async () => (await details.innerText({ timeout: 1000 })).includes(`pid ${pid}`), 30000, () => details.innerText({ timeout: 1000 }));
  const cpuValue = frame.locator('.tile[data-role="cpu"] .tile-value');
  await waitUntil(wb, 'a number in the CPU tile', async () => /\d/.test(await cpuValue.innerText({ timeout: 1000 })), 15000, () => cpuValue.innerText({ timeout: 1000 }));
  const title = await frame.locator('.tile[data-role="cpu"] .tile-title').innerText();
  if (!/CPU/.test(title)) {
    throw new Error(`the CPU tile is titled "${title}"`);
  }
  await waitUntil(wb, 'a chart canvas with ink', async () => Object.values(await chartInk(frame)).some((n) => n >= MIN_INK_PIXELS), 15000, async () => JSON.stringify(await chartInk(frame)));
  const points = Number(await frame.locator('figure.chart#chart-processCpu').getAttribute('data-points'));
  if (!(points > 1)) {
    throw new Error(`the server CPU chart holds ${points} points`);
  }
  // Axes and grid alone would pass the ink test: the CPU line itself must be drawn.
  await waitUntil(wb, 'the server CPU line drawn in its series colour', async () => (await seriesInk(frame, 'chart-processCpu')).pixels >= MIN_LINE_PIXELS, 10000, async () => JSON.stringify(await seriesInk(frame, 'chart-processCpu')));
  const line = await seriesInk(frame, 'chart-processCpu');
  console.log(`    CPU chart: ${points} points, line ${line.pixels} px in ${line.color}`);
}

/** Runs Open Dashboard from the palette (its title in the window's language) and waits for the panel's tab, titled `tabTitle`. */
export async function openDashboard(wb: Workbench, tabTitle = 'Chat-Room Monitor'): Promise<FrameLocator> {
  await runCommand(wb, wb.commandLabel('chatroomMonitor.openDashboard'));
  const tab = wb.page.locator('.tabs-container .tab', { hasText: tabTitle });
  await tab.first().waitFor({ timeout: 15000 });
  return dashboardFrame(wb);
}

async function setTheme(wb: Workbench, theme: string, kind: 'light' | 'dark', frame: FrameLocator): Promise<void> {
  updateWorkspaceSettings(wb, { 'workbench.colorTheme': theme });
  await waitUntil(wb, `the workbench to turn ${kind}`, async () => (await workbenchThemeKind(wb)) === kind, 15000, () => workbenchThemeKind(wb));
  // The page follows the theme through the body class VS Code sets on it.
  await waitUntil(wb, `the dashboard page to turn ${kind}`, async () => ((await frame.locator('body').getAttribute('class', { timeout: 1000 })) ?? '').includes(`vscode-${kind}`), 15000, async () => (await frame.locator('body').getAttribute('class', { timeout: 1000 })) ?? '');
  // Charts are rebuilt with the new palette: wait for them to have drawn again.
  await wb.page.waitForTimeout(1500);
  await expectRendered(wb, frame);
}

/**
 * The keyboard alternative in the real webview: Space on the CPU chart's legend toggle
 * hides the line (aria-pressed flips) and shows it again; Enter on the chart's "Data
 * table" opens the table with the live figures (the zh-cn dashboard check walks it too).
 */
export async function keyboardWalk(wb: Workbench, frame: FrameLocator, shot = 'dashboard-data-table'): Promise<void> {
  const toggle = frame.locator('#chart-processCpu button.legend-toggle').first();
  const pressed = async (): Promise<string> => String(await toggle.getAttribute('aria-pressed', { timeout: 1000 }));
  await toggle.focus();
  await toggle.press('Space');
  await waitUntil(wb, 'Space on the CPU legend toggle to hide the series', async () => (await pressed()) === 'false', 5000, pressed);
  await toggle.press('Space');
  await waitUntil(wb, 'Space again to show it', async () => (await pressed()) === 'true', 5000, pressed);
  const summary = frame.locator('#chart-processCpu details.chart-table > summary');
  await summary.focus();
  await summary.press('Enter');
  const latest = frame.locator('#chart-processCpu-table tbody tr td').first();
  await waitUntil(wb, 'the CPU data table open with a figure', async () => /\d.*%$/.test(await latest.innerText({ timeout: 1000 })), 5000, () => latest.innerText({ timeout: 1000 }));
  const row = (await frame.locator('#chart-processCpu-table tbody tr').first().innerText()).replace(/\s+/g, ' ');
  console.log(`    CPU data table: "${row}"`);
  await scrollIntoView(wb, frame.locator('#chart-processCpu'), 'the CPU chart');
  await wb.screenshot(shot);
  // Closed again: the next checks see the page as a user left it by default.
  await summary.press('Enter');
}

/**
 * The dashboard after "Developer: Reload Window" with the history from before the reload
 * (restored from disk; the 1 h and all ranges reach back into it), in the light and the
 * dark theme — in the window whose tab reads `dashboardTab`.
 */
export function dashboardReloadCheck(w: { readonly name: string; readonly order: number; readonly locale?: string; readonly dashboardTab: string }): E2eCheck {
  const shot = (name: string): string => `${w.locale ? `${w.locale}-` : ''}${name}`;
  return {
    name: w.name,
    order: w.order,
    ...(w.locale ? { locale: w.locale } : {}),
    timeoutMs: 150000,
    async run(wb) {
      let frame = dashboardFrame(wb);
      if ((await wb.page.locator('.tabs-container .tab', { hasText: w.dashboardTab }).count()) === 0) {
        frame = await openDashboard(wb, w.dashboardTab);
      }
      await expectRendered(wb, frame);
      try {
        await setTheme(wb, 'Default Light Modern', 'light', frame);
        await wb.screenshot(shot('dashboard-light'));

        // A realistic history before the reload: three hours of every live series, ending now.
        const historyStarted = Date.now();
        const written = await writeHistoryHours(wb, HISTORY_HOURS);
        const historyMs = Date.now() - historyStarted;
        const cpuChart = (): Promise<{ points: number; firstMs: number }> =>
          dashboardFrame(wb)
            .locator('figure.chart#chart-processCpu')
            .evaluate((el) => ({ points: Number(el.getAttribute('data-points')), firstMs: Number(el.getAttribute('data-first-ms')) }), undefined, { timeout: 5000 });
        const before = await cpuChart();
        const reloadAtMs = Date.now();
        const reloaded = wb.page.waitForEvent('framenavigated', { predicate: (f) => f === wb.page.mainFrame(), timeout: 30000 });
        await runCommand(wb, 'Developer: Reload Window');
        await reloaded;
        await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
        await wb.page.locator('.tabs-container .tab', { hasText: w.dashboardTab }).first().waitFor({ timeout: 60000 });
        // The serializer restores the panel and the host sends the page its data again.
        await expectRendered(wb, dashboardFrame(wb));
        console.log('    the dashboard came back after the window reload');
        // The new extension host restored the history on disk before its first tick: the
        // chart goes back to before the reload, with the points it had (not a few seconds' worth).
        const after = await cpuChart();
        console.log(`    CPU chart before the reload: ${before.points} points from ${new Date(before.firstMs).toISOString()}; after: ${after.points} points from ${new Date(after.firstMs).toISOString()} (reload at ${new Date(reloadAtMs).toISOString()})`);
        if (!(after.firstMs > 0 && after.firstMs <= reloadAtMs - 5000)) {
          throw new Error(`after the reload the CPU chart starts at ${new Date(after.firstMs).toISOString()}, not before the reload at ${new Date(reloadAtMs).toISOString()}: the history was not restored`);
        }
        if (after.points < Math.min(before.points, 10)) {
          throw new Error(`after the reload the CPU chart holds ${after.points} points; before it held ${before.points}`);
        }
        await wb.screenshot(shot('dashboard-after-reload'));
        // The previous hour, restored from disk: the 1 h range starts an hour back (issue 17).
        const afterFrame = dashboardFrame(wb);
        const rangesStarted = Date.now();
        const rangeBefore = (await afterFrame.locator('button[data-range][aria-pressed="true"]').first().getAttribute('data-range')) ?? '5m';
        const hour = await showRange(wb, afterFrame, '1h', reloadAtMs - 55 * 60_000);
        console.log(`    1 h after the reload: ${hour.points} points on a ${Math.round(hour.widthPx)} px chart from ${new Date(hour.firstMs).toISOString()} (${((reloadAtMs - hour.firstMs) / 60_000).toFixed(1)} min before the reload)`);
        await wb.page.waitForTimeout(500);
        await wb.screenshot(shot('dashboard-after-reload-1h'));
        // 'all' reaches past the raw hour into the 1 min tier read back from disk.
        const all = await showRange(wb, afterFrame, 'all', written.fromMs + 15 * 60_000);
        console.log(`    all after the reload: ${all.points} points on a ${Math.round(all.widthPx)} px chart from ${new Date(all.firstMs).toISOString()} (${((reloadAtMs - all.firstMs) / 3600_000).toFixed(2)} h before the reload)`);
        for (const [name, c] of [['1h', hour], ['all', all]] as const) {
          if (c.points > c.widthPx) {
            throw new Error(`the CPU chart at ${name} draws ${c.points} points on ${Math.round(c.widthPx)} px: more points than pixels`);
          }
        }
        await wb.page.waitForTimeout(500);
        await wb.screenshot(shot('dashboard-after-reload-all'));
        await afterFrame.locator(`button[data-range="${rangeBefore}"]`).click();
        console.log(`    the hours on disk cost this check ${((historyMs + Date.now() - rangesStarted) / 1000).toFixed(1)} s (writing ${(historyMs / 1000).toFixed(1)} s, the 1 h and all ranges ${((Date.now() - rangesStarted) / 1000).toFixed(1)} s)`);

        const lightColor = (await seriesInk(dashboardFrame(wb), 'chart-processCpu')).color;
        await setTheme(wb, 'Default Dark Modern', 'dark', dashboardFrame(wb));
        await wb.screenshot(shot('dashboard-dark'));
        // The charts were redrawn with the dark palette, not left in the light one.
        const darkColor = (await seriesInk(dashboardFrame(wb), 'chart-processCpu')).color;
        if (darkColor === lightColor) {
          throw new Error(`the CPU line keeps its light-theme colour ${lightColor} in the dark theme`);
        }
      } finally {
        updateWorkspaceSettings(wb, { 'workbench.colorTheme': undefined });
      }
    },
  };
}

export const checks: E2eCheck[] = [
  {
    name: 'dashboard shows the server\'s pid, CPU tile, drawn charts, and the alert cpu-burn fired',
    order: 41,
    timeoutMs: 75000,
    async run(wb) {
      // Reuses the notification check's load phase; starts one when run alone.
      await useLowCpuThreshold(wb);
      ensureCpuBurn(wb);
      const frame = await openDashboard(wb);
      await expectRendered(wb, frame);
      const alert = frame.locator('.alert-list li.alert.state-firing[data-alert-id^="process-cpu-warning"]');
      await waitUntil(wb, 'the firing CPU alert in the dashboard\'s list', async () => (await alert.count()) > 0, 40000, async () => (await frame.locator('.alert-list').innerText({ timeout: 1000 })).replace(/\s+/g, ' '));
      const text = (await alert.first().innerText()).replace(/\s+/g, ' ');
      console.log(`    dashboard alert: "${text.slice(0, 140)}"`);
      if (!/CPU/.test(text)) {
        throw new Error(`the alert in the list does not mention CPU: "${text}"`);
      }
      await wb.screenshot('dashboard-alert-firing');
      await keyboardWalk(wb, frame);
    },
  },
  dashboardReloadCheck({ name: 'dashboard comes back after "Developer: Reload Window" and renders in the light and the dark theme', order: 43, dashboardTab: 'Chat-Room Monitor' }),
];
