/**
 * "Show Performance Report" as a user runs it: from the palette, answering the
 * window question with "Last 5 minutes", ending in the rendered report (the Markdown
 * preview: real tables, not pipes and dashes) with its headings in the window's
 * language and no workbench console error. One definition for every display language
 * ({@link reportCheck}): the words each one reads are its parameters.
 */
import type { E2eCheck } from '../support/check';
import { realConsoleErrors } from '../support/consoleErrors';
import { stopCpuBurn } from '../support/cpuBurnPhase';
import { markdownPreviewFrame, runCommandAndPick, serverPid } from '../support/workbenchUi';

/** What the report check reads in one display language. */
export interface ReportWords {
  readonly name: string;
  readonly order: number;
  readonly locale?: string;
  /** The window question's answer for the last five minutes. */
  readonly lastFiveMinutes: string;
  /** The report's title (its h1). */
  readonly title: string;
  /** Whether a section heading is in this language. */
  readonly headingInLanguage: (heading: string) => boolean;
}

/** The report of the last 5 minutes, rendered in the preview with the server's pid, tables with figures and units, headings in the language, no console error. */
export function reportCheck(w: ReportWords): E2eCheck {
  return {
    name: w.name,
    order: w.order,
    ...(w.locale ? { locale: w.locale } : {}),
    timeoutMs: 75000,
    async run(wb) {
      try {
        const errorsBefore = wb.consoleLines.length;
        await runCommandAndPick(wb, wb.commandLabel('chatroomMonitor.showReport'), w.lastFiveMinutes);
        const preview = await markdownPreviewFrame(wb, w.title, 30000);
        const body = preview.locator('body');
        await preview.locator('table').first().waitFor({ timeout: 10000 });
        const text = (await body.innerText()).replace(/\u00a0/g, ' ');
        const pid = serverPid();
        if (!text.includes(`pid ${pid}`)) {
          throw new Error(`the report does not name the server's pid ${pid}: "${text.slice(0, 300)}"`);
        }
        // In the text outside tables and code: a table Markdown did not render stays there as
        // "| a | b |" lines, while a code span may quote pipes (a label value, a regex).
        const prose = await body.evaluate((b) => {
          const c = b.cloneNode(true) as HTMLElement;
          c.querySelectorAll('table, code, pre').forEach((e) => e.remove());
          return c.textContent ?? '';
        });
        const pipes = prose.split('\n').filter((l) => /^\s*\|.*\|\s*$/.test(l) || /\|\s*---/.test(l));
        if (pipes.length > 0) {
          throw new Error(`the preview shows Markdown table syntax, not tables: ${pipes.slice(0, 3).map((l) => JSON.stringify(l.slice(0, 200))).join(' ')}`);
        }
        const tables = await preview.locator('table').count();
        // A figure with a unit in a table cell, e.g. 3.2% or 148 MiB.
        const cells = await preview.locator('td').allInnerTexts();
        if (!cells.some((c) => /^\s*[\d.,]+\s*(%|MiB|KiB|GiB|B)\b/.test(c))) {
          throw new Error(`no table cell holds a figure with a unit: ${cells.slice(0, 12).join(' | ')}`);
        }
        const headings = (await preview.locator('h2').allInnerTexts()).map((h) => h.replace(/\s+/g, ' ').trim());
        console.log(`    report preview: ${tables} tables; headings: ${headings.join(' / ').slice(0, 300)}`);
        const foreign = headings.filter((h) => !w.headingInLanguage(h));
        if (foreign.length > 0) {
          throw new Error(`report headings not in the window's language: ${foreign.join(' / ')}`);
        }
        await wb.page.waitForTimeout(1000);
        await wb.screenshot(`${w.locale ? `${w.locale}-` : ''}report-rendered`);
        // Every console error while the report opened, but the workbench's own named noise (support/consoleErrors.ts).
        const errors = realConsoleErrors(wb.consoleLines.slice(errorsBefore));
        if (errors.length > 0) {
          throw new Error(`console errors while opening the report: ${errors.join(' | ').slice(0, 400)}`);
        }
      } finally {
        // The alert checks' load phase ends here at the latest.
        await stopCpuBurn();
      }
    },
  };
}

export const checks: E2eCheck[] = [
  reportCheck({
    name: 'palette → "Show Performance Report" → "Last 5 minutes" opens the report rendered, with the server\'s figures in tables',
    order: 50,
    lastFiveMinutes: 'Last 5 minutes',
    title: 'Chat server performance report',
    // English headings: no Han character.
    headingInLanguage: (h) => !/[\u4e00-\u9fff]/.test(h),
  }),
];
