/**
 * "Show Performance Report" as a user runs it: from the palette, answering the
 * window question with "Last 5 minutes", ending in a Markdown editor with the report.
 */
import type { E2eCheck } from '../support/check';
import { pickQuickItem, runCommand, serverPid } from '../support/workbenchUi';

export const checks: E2eCheck[] = [
  {
    name: 'palette → "Show Performance Report" → "Last 5 minutes" opens a Markdown report with the server\'s figures',
    order: 50,
    timeoutMs: 60000,
    async run(wb) {
      await runCommand(wb, 'Chat-Room Monitor: Show Performance Report');
      await pickQuickItem(wb, 'Last 5 minutes');
      const editor = wb.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
      await editor.waitFor({ timeout: 20000 });
      const deadline = Date.now() + 20000;
      let text = '';
      while (!text.includes('Chat server performance report') && Date.now() < deadline) {
        text = (await editor.innerText()).replace(/\u00a0/g, ' ');
        await wb.page.waitForTimeout(250);
      }
      if (!text.includes('# Chat server performance report')) {
        throw new Error(`the active editor does not show the report title; it shows: "${text.slice(0, 200)}"`);
      }
      const pid = serverPid();
      if (!text.includes(`pid ${pid}`)) {
        throw new Error(`the report does not name the server's pid ${pid}: "${text.slice(0, 300)}"`);
      }
      // A figure in a table row, e.g. | CPU (% of one core) | 3.2% | …
      if (!/\|\s*[\d.]+\s*(%|MiB|KiB|GiB|B)\s*\|/.test(text)) {
        throw new Error(`no figure with a unit in the visible part of the report: "${text.slice(0, 400)}"`);
      }
      const mode = await wb.page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /^Markdown$/ }).count();
      if (mode < 1) {
        throw new Error('the status bar does not show the Markdown language mode for the report');
      }
      console.log(`    report: ${text.split('\n').slice(0, 3).join(' / ').slice(0, 160)}`);
      await wb.screenshot('report');
    },
  },
];
