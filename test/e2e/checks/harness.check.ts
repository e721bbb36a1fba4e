/**
 * Self-checks of the e2e harness: the ways the real workbench has made a harness step
 * fail in a CI run, reproduced on purpose, so the step's guard is itself tested.
 */
import type { E2eCheck } from '../support/check';
import type { Workbench } from '../support/workbench';
import { runCommand } from '../support/workbenchUi';
import { openDashboard } from './dashboard.check';

/** When a webview takes the focus back (see {@link webviewTakesFocusBack}). */
type Steal = 'open' | 'typed';

/**
 * Makes the visible webview take the focus back as VS Code's own late webview focus does
 * (webviewElement.ts `_doFocus`: 50 ms after the focus went back to a webview editor, it
 * focuses the webview's frame — issue 75209): once at each step of `plan`, at the moment the
 * quick input opens ('open') or its query is typed ('typed'). The palette then closes itself,
 * as it does whenever it loses the focus.
 */
async function webviewTakesFocusBack(wb: Workbench, plan: Steal[]): Promise<void> {
  await wb.page.evaluate((steps) => {
    const state = { plan: [...steps], fired: [] as string[] };
    (window as unknown as { __crmSteals: typeof state }).__crmSteals = state;
    const steal = (when: string): void => {
      const frame = Array.from(document.querySelectorAll('iframe.webview')).find((f) => (f as HTMLElement).offsetParent !== null) as HTMLIFrameElement | undefined;
      if (!frame) {
        state.fired.push(`${when}: no visible webview`);
        return;
      }
      state.plan.shift();
      frame.contentWindow?.focus();
      state.fired.push(when);
    };
    const widget = document.querySelector('.quick-input-widget') as HTMLElement | null;
    let shown = widget ? getComputedStyle(widget).display !== 'none' : false;
    const observer = new MutationObserver(() => {
      const w = document.querySelector('.quick-input-widget') as HTMLElement | null;
      const now = w ? getComputedStyle(w).display !== 'none' : false;
      if (now && !shown && state.plan[0] === 'open') steal('open');
      shown = now;
      if (state.plan.length === 0) observer.disconnect();
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ['style'], subtree: true, childList: true });
    const onInput = (e: Event): void => {
      if (state.plan[0] === 'typed' && (e.target as Element).closest?.('.quick-input-widget')) steal('typed');
      if (state.plan.length === 0) document.removeEventListener('input', onInput, true);
    };
    document.addEventListener('input', onInput, true);
  }, plan);
}

async function stealsFired(wb: Workbench): Promise<string[]> {
  return wb.page.evaluate(() => (window as unknown as { __crmSteals?: { fired: string[] } }).__crmSteals?.fired ?? []);
}

export const checks: E2eCheck[] = [
  {
    name: 'harness: a command run from the palette runs even when a webview takes the focus back as the palette opens, or as the query is typed',
    order: 44,
    timeoutMs: 60000,
    async run(wb) {
      await openDashboard(wb);
      await wb.page.locator('iframe.webview').first().waitFor({ timeout: 20000 });
      const tab = wb.page.locator('.tabs-container .tab', { hasText: 'Chat-Room Monitor' });
      await webviewTakesFocusBack(wb, ['open', 'typed']);
      // What shows it ran: the dashboard's tab is gone.
      await runCommand(wb, 'View: Close All Editors');
      await tab.first().waitFor({ state: 'detached', timeout: 10000 }).catch(() => {
        throw new Error('"View: Close All Editors" did not close the dashboard: the command did not run');
      });
      const fired = await stealsFired(wb);
      console.log(`    the webview took the focus back: ${fired.join(', ') || 'never'}`);
      if (fired.join(',') !== 'open,typed') {
        throw new Error(`the webview was to take the focus back as the palette opened and as the query was typed; it did at: ${fired.join(', ') || 'neither'}`);
      }
    },
  },
];
