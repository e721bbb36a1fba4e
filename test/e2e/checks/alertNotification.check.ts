/**
 * Alerts where the user meets them: a warning toast with its actions when cpu-burn
 * pushes the server past the (lowered) CPU threshold, the status bar item painted
 * with the theme's warning colour, and one "resolved" toast once the load stops.
 * Orders 40 and 42 bracket the dashboard check (41), which reuses the same load phase.
 */
import type { E2eCheck } from '../support/check';
import { CPU_ALERT_TITLE, LOW_CPU_RULE, cpuBurnAgeS, ensureCpuBurn, stopCpuBurn, useLowCpuThreshold } from '../support/cpuBurnPhase';
import { Locator } from 'playwright-core';
import type { Workbench } from '../support/workbench';
import { LIVE_STATUS_TEXT, clearNotifications, notificationCentreTexts, statusBarItemBackground, toast, waitForNotification } from '../support/workbenchUi';

const ACTIONS = ['Profile now', 'Open Dashboard', 'Snooze…', 'Show Report'];
const FIRING = new RegExp(`Chat-Room Monitor: ${CPU_ALERT_TITLE}:.*CPU`);
const RESOLVED = new RegExp(`Resolved: ${CPU_ALERT_TITLE}`);

type Background = Awaited<ReturnType<typeof statusBarItemBackground>>;

/** Polls the status bar item's background until `ok` holds; fails with what it showed. */
async function waitForBackground(wb: Workbench, item: Locator, ok: (bg: Background) => boolean, timeoutMs: number): Promise<Background> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const bg = await statusBarItemBackground(item);
    if (ok(bg)) {
      return bg;
    }
    if (Date.now() > deadline) {
      throw new Error(`the status bar item "${(await item.innerText()).replace(/\s+/g, ' ').trim()}" has background "${bg}" after ${timeoutMs} ms`);
    }
    await wb.page.waitForTimeout(250);
  }
}

export const checks: E2eCheck[] = [
  {
    name: 'cpu-burn fires a warning toast about CPU with Open Dashboard / Snooze… / Show Report, and paints the status bar',
    order: 40,
    timeoutMs: 75000,
    async run(wb) {
      await useLowCpuThreshold(wb);
      await clearNotifications(wb);
      const load = ensureCpuBurn(wb);
      const started = Date.now();
      const t = toast(wb, FIRING).first();
      await t.waitFor({ timeout: 40000 }).catch(() => {
        throw new Error(`no warning toast about CPU after 40 s of cpu-burn; load generator: ${load.output().slice(-200).replace(/\s+/g, ' ')}`);
      });
      console.log(`    toast after ${((Date.now() - started) / 1000).toFixed(1)} s of load: "${(await t.innerText()).replace(/\s+/g, ' ').slice(0, 160)}"`);
      if ((await t.locator('.codicon-warning').count()) < 1) {
        throw new Error('the CPU alert toast has no warning icon: it was not shown as a warning');
      }
      if (!(await t.innerText()).includes(String(LOW_CPU_RULE.threshold))) {
        throw new Error(`the toast does not give the ${LOW_CPU_RULE.threshold}% threshold`);
      }
      for (const label of ACTIONS) {
        if (!(await t.locator('.monaco-button', { hasText: label }).first().isVisible())) {
          throw new Error(`the toast has no "${label}" button`);
        }
      }
      // Let the toast finish sliding in before the picture.
      await wb.page.waitForTimeout(800);
      await wb.screenshot('notification-warning');

      const item = wb.statusBarItem(LIVE_STATUS_TEXT).first();
      const bg = await waitForBackground(wb, item, (b) => b !== 'none', 5000);
      if ((await item.locator('.codicon-warning, .codicon-error').count()) < 1) {
        throw new Error('the status bar item does not swap its pulse icon for a warning icon while the alert fires');
      }
      console.log(`    status bar background: ${bg}`);
    },
  },
  {
    name: 'after the load stops, one "Resolved" toast and the status bar colour clears',
    order: 42,
    timeoutMs: 60000,
    async run(wb) {
      await useLowCpuThreshold(wb);
      const item = wb.statusBarItem(LIVE_STATUS_TEXT).first();
      const shared = cpuBurnAgeS() !== undefined;
      if (!shared) {
        // Run alone (or the phase ended): make the alert fire first, so there is something to resolve.
        ensureCpuBurn(wb);
        await waitForBackground(wb, item, (bg) => bg !== 'none', 40000);
      }
      await stopCpuBurn();
      const stopped = Date.now();
      await waitForNotification(wb, RESOLVED, 30000);
      console.log(`    resolved notification ${((Date.now() - stopped) / 1000).toFixed(1)} s after the load stopped`);
      await wb.page.waitForTimeout(500);
      await wb.screenshot('notification-resolved');
      await waitForBackground(wb, item, (bg) => bg === 'none', 5000);
      // Counted in the notification centre, which keeps the toasts that hid themselves.
      await wb.page.waitForTimeout(2000);
      const all = await notificationCentreTexts(wb);
      const resolved = all.filter((t) => RESOLVED.test(t)).length;
      const firing = all.filter((t) => FIRING.test(t)).length;
      console.log(`    notification centre: ${firing} firing, ${resolved} resolved for the CPU alert`);
      if (resolved !== 1) {
        throw new Error(`${resolved} "Resolved" notifications for one alert: ${all.join(' | ')}`);
      }
      // One state change, one notification: the shared phase fired the alert exactly once.
      if (shared && firing !== 1) {
        throw new Error(`${firing} firing notifications for one CPU alert: ${all.join(' | ')}`);
      }
    },
  },
];
