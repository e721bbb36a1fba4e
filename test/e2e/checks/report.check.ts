/**
 * "Show Performance Report" as a user runs it: from the palette, answering the
 * window question with "Last 5 minutes", ending in the rendered report (the Markdown
 * preview: real tables, not pipes and dashes) with no workbench console error.
 */
import type { E2eCheck } from '../support/check';
import { realConsoleErrors } from '../support/consoleErrors';
import { markdownPreviewFrame, pickQuickItem, runCommand, serverPid } from '../support/workbenchUi';

export const checks: E2eCheck[] = [
  {
    name: 'palette → "Show Performance Report" → "Last 5 minutes" opens the report rendered, with the server\'s figures in tables',
    order: 50,
    timeoutMs: 60000,
    async run(wb) {
      const errorsBefore = wb.consoleLines.length;
      await runCommand(wb, 'Chat-Room Monitor: Show Performance Report');
      await pickQuickItem(wb, 'Last 5 minutes');
      const preview = await markdownPreviewFrame(wb, 'Chat server performance report', 30000);
      const body = preview.locator('body');
      await preview.locator('table').first().waitFor({ timeout: 10000 });
      const text = (await body.innerText()).replace(/\u00a0/g, ' ');
      const pid = serverPid();
      if (!text.includes(`pid ${pid}`)) {
        throw new Error(`the report does not name the server's pid ${pid}: "${text.slice(0, 300)}"`);
      }
      if (/^\s*\|.*\|\s*$/m.test(text) || /\|\s*---/.test(text)) {
        throw new Error(`the preview shows Markdown table syntax, not tables: "${text.slice(0, 300)}"`);
      }
      const tables = await preview.locator('table').count();
      // A figure with a unit in a table cell, e.g. 3.2% or 148 MiB.
      const cells = await preview.locator('td').allInnerTexts();
      if (!cells.some((c) => /^\s*[\d.,]+\s*(%|MiB|KiB|GiB|B)\b/.test(c))) {
        throw new Error(`no table cell holds a figure with a unit: ${cells.slice(0, 12).join(' | ')}`);
      }
      console.log(`    report preview: ${tables} tables; first lines: ${text.split('\n').filter(Boolean).slice(0, 3).join(' / ').slice(0, 200)}`);
      await wb.page.waitForTimeout(1000);
      await wb.screenshot('report-rendered');
      // Every console error while the report opened, but the workbench's own named noise (support/consoleErrors.ts).
      const errors = realConsoleErrors(wb.consoleLines.slice(errorsBefore));
      if (errors.length > 0) {
        throw new Error(`console errors while opening the report: ${errors.join(' | ').slice(0, 400)}`);
      }
    },
  },
];
