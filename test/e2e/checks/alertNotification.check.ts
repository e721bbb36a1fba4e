/**
 * Alerts where the user meets them: a warning toast with its actions when cpu-burn
 * pushes the server past the (lowered) CPU threshold, the status bar item painted
 * with the theme's warning colour, and one "resolved" toast once the load stops.
 * Orders 40 and 42 bracket the dashboard check (41), which reuses the same load phase.
 * One definition for every display language ({@link alertFiringCheck},
 * {@link alertResolvedCheck}): the words each one reads are its parameters.
 */
import type { E2eCheck } from '../support/check';
import { CPU_ALERT_TITLE, LOW_CPU_RULE, cpuBurnAgeS, ensureCpuBurn, stopCpuBurn, useLowCpuThreshold } from '../support/cpuBurnPhase';
import { Locator } from 'playwright-core';
import type { Workbench } from '../support/workbench';
import { LIVE_STATUS_TEXT, clearNotifications, notificationCentreTexts, statusBarItemBackground, toast, waitForNotification } from '../support/workbenchUi';

/** Two cpu-burn phases at most: on a machine loaded far past its cores the server may get too little CPU to stay above the threshold for a whole phase. */
const TOAST_WAIT_MS = 100_000;

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

/** What the alert checks read in one display language. */
export interface AlertWords {
  readonly locale?: string;
  /** The CPU alert's toast while it fires (its title). */
  readonly firing: RegExp;
  /** Words the firing toast's text holds besides its title. */
  readonly firingWords: readonly string[];
  /** The firing toast's buttons. */
  readonly actions: readonly string[];
  /** The toast once the alert resolved. */
  readonly resolved: RegExp;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** cpu-burn fires the CPU alert: a warning toast with its words and buttons, and the status bar item painted with a warning icon. */
export function alertFiringCheck(w: AlertWords & { readonly name: string; readonly order: number }): E2eCheck {
  return {
    name: w.name,
    order: w.order,
    ...(w.locale ? { locale: w.locale } : {}),
    timeoutMs: 130000,
    async run(wb) {
      await useLowCpuThreshold(wb);
      await clearNotifications(wb);
      const started = Date.now();
      const t = toast(wb, w.firing).first();
      // A second phase starts when the first one ended before the toast.
      let load = ensureCpuBurn(wb);
      while (!(await t.isVisible())) {
        if (Date.now() - started > TOAST_WAIT_MS) {
          const shown = await wb.page.locator('.notifications-toasts .notification-toast').allInnerTexts();
          const status = await wb.statusBarItem(LIVE_STATUS_TEXT).first().innerText().catch(() => '?');
          throw new Error(`no toast matching ${w.firing} after ${TOAST_WAIT_MS / 1000} s of cpu-burn (status bar "${oneLine(status)}"); toasts: ${shown.map(oneLine).join(' | ') || 'none'}; load generator: ${oneLine(load.output().slice(-200))}`);
        }
        load = ensureCpuBurn(wb);
        await wb.page.waitForTimeout(500);
      }
      const text = await t.innerText();
      console.log(`    toast after ${((Date.now() - started) / 1000).toFixed(1)} s of load: "${oneLine(text).slice(0, 200)}"`);
      if ((await t.locator('.codicon-warning').count()) < 1) {
        throw new Error('the CPU alert toast has no warning icon: it was not shown as a warning');
      }
      const missing = w.firingWords.filter((x) => !text.includes(x));
      if (missing.length > 0) {
        throw new Error(`the toast lacks ${missing.map((x) => `"${x}"`).join(', ')}: "${oneLine(text).slice(0, 300)}"`);
      }
      for (const label of w.actions) {
        if (!(await t.locator('.monaco-button', { hasText: label }).first().isVisible())) {
          throw new Error(`the toast has no "${label}" button`);
        }
      }
      // Let the toast finish sliding in before the picture.
      await wb.page.waitForTimeout(800);
      await wb.screenshot(`${w.locale ? `${w.locale}-` : ''}notification-warning`);

      const item = wb.statusBarItem(LIVE_STATUS_TEXT).first();
      const bg = await waitForBackground(wb, item, (b) => b !== 'none', 5000);
      if ((await item.locator('.codicon-warning, .codicon-error').count()) < 1) {
        throw new Error('the status bar item does not swap its pulse icon for a warning icon while the alert fires');
      }
      console.log(`    status bar background: ${bg}`);
    },
  };
}

/** After the load stops: one "resolved" toast, the status bar colour clears, and the shared phase fired the alert once. */
export function alertResolvedCheck(w: AlertWords & { readonly name: string; readonly order: number }): E2eCheck {
  return {
    name: w.name,
    order: w.order,
    ...(w.locale ? { locale: w.locale } : {}),
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
      await waitForNotification(wb, w.resolved, 30000);
      console.log(`    resolved notification ${((Date.now() - stopped) / 1000).toFixed(1)} s after the load stopped`);
      await wb.page.waitForTimeout(500);
      await wb.screenshot(`${w.locale ? `${w.locale}-` : ''}notification-resolved`);
      await waitForBackground(wb, item, (bg) => bg === 'none', 5000);
      // Counted in the notification centre, which keeps the toasts that hid themselves.
      await wb.page.waitForTimeout(2000);
      const all = await notificationCentreTexts(wb);
      const resolved = all.filter((t) => w.resolved.test(t)).length;
      const firing = all.filter((t) => w.firing.test(t)).length;
      console.log(`    notification centre: ${firing} firing, ${resolved} resolved for the CPU alert`);
      if (resolved !== 1) {
        throw new Error(`${resolved} "resolved" notifications for one alert: ${all.join(' | ')}`);
      }
      // One state change, one notification: the shared phase fired the alert exactly once.
      if (shared && firing !== 1) {
        throw new Error(`${firing} firing notifications for one CPU alert: ${all.join(' | ')}`);
      }
    },
  };
}

const ENGLISH: AlertWords = {
  firing: new RegExp(`Chat-Room Monitor: ${CPU_ALERT_TITLE}:.*CPU`),
  firingWords: [String(LOW_CPU_RULE.threshold)],
  actions: ['Profile now', 'Open Dashboard', 'Snooze…', 'Show Report'],
  resolved: new RegExp(`Resolved: ${CPU_ALERT_TITLE}`),
};

export const checks: E2eCheck[] = [
  alertFiringCheck({ ...ENGLISH, name: 'cpu-burn fires a warning toast about CPU with Open Dashboard / Snooze… / Show Report, and paints the status bar', order: 40 }),
  alertResolvedCheck({ ...ENGLISH, name: 'after the load stops, one "Resolved" toast and the status bar colour clears', order: 42 }),
];
