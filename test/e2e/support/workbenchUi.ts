/**
 * Workbench operations the alert, report and dashboard checks share: running a
 * command from the palette as a user does, reading notification toasts, the status
 * bar colour, the dashboard webview's frame, and the workspace settings file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Frame, FrameLocator, Locator } from 'playwright-core';
import { runAndAnswer, runFromPalette } from './quickInput';
import type { Workbench } from './workbench';

/** The status bar item's text while it shows live figures ("12% · 148 MiB"). */
export const LIVE_STATUS_TEXT = /\d+\s*%\s*·\s*\d+(\.\d+)?\s*Mi?B/;

/** What shows that a command ran (a status bar item, a toast, an editor), for {@link runCommand} to wait for. */
export interface CommandWitness {
  /** For the error: "the server's status bar item". */
  readonly what: string;
  readonly locator: Locator;
  readonly timeoutMs?: number;
}

/**
 * Runs a command from the palette as a user does (F1, the label typed, Enter on its row;
 * support/quickInput.ts says what each step confirms), then, when `ran` is given, waits
 * for what shows the command ran: a failure then says whether the palette or the command
 * did not do its part.
 */
export async function runCommand(wb: Workbench, label: string, ran?: CommandWitness): Promise<void> {
  await runFromPalette(wb, label);
  if (ran) {
    const timeoutMs = ran.timeoutMs ?? 30000;
    await ran.locator.first().waitFor({ timeout: timeoutMs }).catch(() => {
      throw new Error(`"${label}" ran from the palette (Enter reached it with that row highlighted, and it closed), but ${ran.what} did not follow in ${timeoutMs / 1000} s`);
    });
  }
}

/** Runs a command from the palette and answers the question it asks with the row `answer` (support/quickInput.ts). */
export async function runCommandAndPick(wb: Workbench, label: string, answer: string): Promise<void> {
  await runAndAnswer(wb, label, answer);
}

/** Notification toasts (bottom right) whose text matches. */
export function toast(wb: Workbench, text: RegExp): Locator {
  return wb.page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/**
 * Waits for a notification: as a toast, or — when the toast already hid itself (VS Code
 * hides toasts when an editor takes focus or after a while) — in the notification centre.
 */
export async function waitForNotification(wb: Workbench, text: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await toast(wb, text).first().isVisible()) {
      return;
    }
    if (Date.now() > deadline) {
      break;
    }
    await wb.page.waitForTimeout(250);
  }
  const all = await notificationCentreTexts(wb);
  if (!all.some((t) => text.test(t))) {
    throw new Error(`no notification matching ${text} within ${timeoutMs} ms; the notification centre holds: ${all.map((t) => t.slice(0, 100)).join(' | ') || 'nothing'}`);
  }
}

/** Every notification of this session, from the notification centre (opened and closed again). */
export async function notificationCentreTexts(wb: Workbench): Promise<string[]> {
  const centre = wb.page.locator('.notifications-center');
  await runCommand(wb, 'Notifications: Show Notifications');
  try {
    await centre.locator('.notifications-list-container, .notification-list-item').first().waitFor({ timeout: 5000 }).catch(() => undefined);
    const texts = await centre.locator('.notification-list-item').allInnerTexts();
    return texts.map((t) => t.replace(/\s+/g, ' ').trim());
  } finally {
    await runCommand(wb, 'Notifications: Hide Notifications').catch(() => undefined);
  }
}

/** Dismisses every notification, so a later check sees only its own. */
export async function clearNotifications(wb: Workbench): Promise<void> {
  await runCommand(wb, 'Notifications: Clear All Notifications');
}

/** Which theme colour, if any, paints the status bar item: compares computed colours, not class names. */
export async function statusBarItemBackground(item: Locator): Promise<'warning' | 'error' | 'none'> {
  return item.evaluate((el) => {
    // The theme's variables live on the workbench: resolve them next to the item.
    const probe = document.createElement('div');
    el.parentElement?.appendChild(probe);
    probe.style.backgroundColor = 'var(--vscode-statusBarItem-warningBackground)';
    const warning = getComputedStyle(probe).backgroundColor;
    probe.style.backgroundColor = 'var(--vscode-statusBarItem-errorBackground)';
    const error = getComputedStyle(probe).backgroundColor;
    probe.remove();
    const painted = [el, ...Array.from(el.querySelectorAll('*'))].map((e) => getComputedStyle(e).backgroundColor);
    return painted.includes(error) ? 'error' : painted.includes(warning) ? 'warning' : 'none';
  });
}

/** The dashboard page: VS Code's webview iframe, then the page's own frame inside it. */
export function dashboardFrame(wb: Workbench): FrameLocator {
  return wb.page.frameLocator('iframe.webview').frameLocator('#active-frame');
}

/** Non-transparent pixels of each chart canvas on the dashboard, by chart id. */
export async function chartInk(frame: FrameLocator): Promise<Record<string, number>> {
  return frame.locator('figure.chart').evaluateAll((figs) => {
    const out: Record<string, number> = {};
    for (const fig of figs) {
      const c = fig.querySelector('canvas');
      const ctx = c?.getContext('2d');
      if (!c || !ctx || c.width === 0 || c.height === 0) {
        out[fig.id] = 0;
        continue;
      }
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) {
        if (d[i]! > 0) {
          n++;
        }
      }
      out[fig.id] = n;
    }
    return out;
  });
}

/**
 * Pixels of a chart's canvas drawn in its first series' colour (read from the legend
 * marker): axes and grid lines do not count, only the data line.
 */
export async function seriesInk(frame: FrameLocator, chartId: string): Promise<{ color: string; pixels: number }> {
  return frame.locator(`figure.chart#${chartId}`).evaluate((fig) => {
    const marker = fig.querySelector('.u-legend .u-series:not(:first-child) .u-marker');
    const canvas = fig.querySelector('canvas');
    const ctx = canvas?.getContext('2d');
    const color = marker ? getComputedStyle(marker).borderColor : '';
    const rgb = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
    if (!canvas || !ctx || !rgb || canvas.width === 0) {
      return { color, pixels: 0 };
    }
    const [r, g, b] = [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
    const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let pixels = 0;
    for (let i = 0; i < d.length; i += 4) {
      // Anti-aliased edges blend with the background: count only near-solid pixels.
      if (d[i + 3]! > 200 && Math.abs(d[i]! - r) + Math.abs(d[i + 1]! - g) + Math.abs(d[i + 2]! - b) < 60) {
        pixels++;
      }
    }
    return { color, pixels };
  });
}

/** The example server's pid, which the harness passes (CRM_TEST_SERVER_PID). */
export function serverPid(): number {
  const v = Number(process.env.CRM_TEST_SERVER_PID);
  if (!Number.isInteger(v) || v <= 0) {
    throw new Error('CRM_TEST_SERVER_PID is not set: run the e2e level through scripts/e2e.mjs, which starts the chat server.');
  }
  return v;
}

/**
 * Changes the workspace's .vscode/settings.json the way a user editing the file does
 * (VS Code watches it); `undefined` removes a key. Returns the values it replaced.
 */
export function updateWorkspaceSettings(wb: Workbench, patch: Record<string, unknown>): Record<string, unknown> {
  return updateFolderSettings(wb.env.folder, patch);
}

/** {@link updateWorkspaceSettings} for a folder, before any window shows it; returns the values it replaced. */
export function updateFolderSettings(folder: string, patch: Record<string, unknown>): Record<string, unknown> {
  const file = path.join(folder, '.vscode', 'settings.json');
  const current = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const before: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    before[k] = current[k];
    if (v === undefined) {
      delete current[k];
    } else {
      current[k] = v;
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(current, null, 2));
  return before;
}

/** The workbench's theme kind, from the classes VS Code puts on it. */
export async function workbenchThemeKind(wb: Workbench): Promise<'light' | 'dark' | 'other'> {
  const cls = (await wb.page.locator('.monaco-workbench').first().getAttribute('class')) ?? '';
  const list = cls.split(/\s+/);
  return list.includes('vs-dark') ? 'dark' : list.includes('vs') ? 'light' : 'other';
}

/** The Markdown preview's webview frame showing an `<h1>` with `title` (not the workbench's own frame, whose tab shows the title too). */
export async function markdownPreviewFrame(wb: Workbench, title: string, timeoutMs = 20000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const f of wb.page.frames()) {
      if (f === wb.page.mainFrame()) continue;
      if (await f.locator('h1', { hasText: title }).count().catch(() => 0)) return f;
    }
    await wb.page.waitForTimeout(250);
  }
  throw new Error(`no Markdown preview shows "${title}"`);
}

/**
 * Scrolls what `locator` finds into view. The dashboard draws a chart's figure anew when its
 * series change, so the element found can be detached before the scroll ("Element is not
 * attached to the DOM" in a clean-clone run at load ~4): it is found again until the scroll holds.
 */
export async function scrollIntoView(wb: Workbench, locator: Locator, what: string): Promise<void> {
  await waitUntil(wb, `${what} scrolled into view`, async () => {
    await locator.scrollIntoViewIfNeeded({ timeout: 2000 });
    return true;
  }, 15000);
}

/** Polls `probe` every 250 ms until it holds; the timeout names what was awaited and, with `last`, what was seen last. */
export async function waitUntil(wb: Workbench, what: string, probe: () => Promise<boolean>, timeoutMs: number, last?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `; last: ${await last().catch((e: Error) => e.message)}` : ''}`);
    }
    await wb.page.waitForTimeout(250);
  }
}
