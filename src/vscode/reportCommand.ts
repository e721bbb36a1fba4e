import { LogsReport } from '../core/logs/logReport';
import type { TracesReport } from '../core/traces/traceWatcher';
import * as vscode from 'vscode';
import { Monitor } from '../core/monitor';
import { renderMarkdown } from '../core/report/markdown';
import { buildMonitorReport } from '../core/report/monitorReport';
import { REPORT_WINDOW_IDS, REPORT_WINDOWS, ReportWindowId } from '../shared/vocabulary';
import { renderJson, ReportOperations } from '../core/report/reportData';
import { Commands } from '../shared/commandIds';
import { MonitorLog } from './log';
import { healthWord, reportWindowLabel } from '../core/i18n/words';

/** What the command returns: the report's Markdown document, and the data behind it (tests, other extensions). */
export interface ReportResult {
  readonly document: vscode.TextDocument;
  /** The file the Markdown was written to (the preview shows it). */
  readonly uri: vscode.Uri;
  /** The rendered preview opened (false: the Markdown editor is shown instead). */
  readonly rendered: boolean;
  readonly status: string;
  readonly json: string;
}

/**
 * "Show Performance Report": asks for the window, writes the report as Markdown into
 * the extension's storage and opens it rendered (the built-in Markdown preview; its
 * "Open Source" button shows the raw Markdown). A notification offers Save as
 * Markdown…, Save JSON… and Copy Markdown. A window id argument skips the question
 * and the notification (notification actions, tests). A file rather than an untitled
 * document: the preview of an untitled document logged a workbench error.
 */
export function registerReportCommand(
  monitor: Monitor,
  log: MonitorLog,
  defaultWindow: () => ReportWindowId,
  operations?: (fromMs: number) => ReportOperations | undefined,
  logsReport: (nowMs: number) => LogsReport | undefined = () => undefined,
  storage?: vscode.Uri,
  tracesReporter: () => ((fromMs: number, toMs: number) => TracesReport) | undefined = () => undefined,
): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.showReport, async (windowArg?: string): Promise<ReportResult | undefined> => {
    let window: ReportWindowId | undefined = isWindowId(windowArg) ? windowArg : undefined;
    if (!window) {
      const preferred = defaultWindow();
      const items = REPORT_WINDOW_IDS.map((id) => ({ label: reportWindowLabel(id), id, picked: id === preferred }));
      items.sort((a, b) => Number(b.picked) - Number(a.picked));
      const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Chat-Room Monitor: Performance report for…') });
      if (!picked) {
        return undefined;
      }
      window = picked.id;
    }
    const t0 = performance.now();
    const nowMs = Date.now();
    const windowMs = REPORT_WINDOWS[window].ms;
    const fromMs = windowMs === 'all' ? 0 : nowMs - windowMs;
    // No receiver (off by the setting or trust, or still starting): the report has no traces object.
    const report = buildMonitorReport(monitor, window, nowMs, operations?.(fromMs), logsReport(nowMs), undefined, tracesReporter());
    const markdown = renderMarkdown(report);
    const json = renderJson(report);
    log.info(vscode.l10n.t('Report ({0}): status {1}, {2} issue(s), built in {3} ms.', REPORT_WINDOWS[window].label.toLowerCase(), report.analysis.status, report.analysis.issues.length, (performance.now() - t0).toFixed(1)));
    const { document, uri } = await reportDocument(markdown, storage);
    let rendered = false;
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
      rendered = true;
    } catch (err) {
      log.warn(vscode.l10n.t("The Markdown preview did not open ({0}); showing the report's Markdown.", String((err as Error)?.message ?? err)));
    }
    if (!rendered) {
      await vscode.window.showTextDocument(document, { preview: false });
    }
    if (!windowArg) {
      const saveMarkdown = vscode.l10n.t('Save as Markdown…');
      const saveJson = vscode.l10n.t('Save JSON…');
      const copyMarkdown = vscode.l10n.t('Copy Markdown');
      void vscode.window
        .showInformationMessage(reportToast(healthWord(report.analysis.status), report.analysis.issues.length), saveMarkdown, saveJson, copyMarkdown)
        .then(async (choice) => {
          if (choice === saveMarkdown) {
            await saveAs(markdown, 'Markdown', 'md');
          } else if (choice === saveJson) {
            await saveAs(json, 'JSON', 'json');
          } else if (choice === copyMarkdown) {
            await vscode.env.clipboard.writeText(markdown);
          }
        });
    }
    return { document, uri, rendered, status: report.analysis.status, json };
  });
}

/** Reports kept in the extension's storage; older ones are deleted when a new one is written. */
const KEPT_REPORTS = 20;

/**
 * The report as a Markdown file of its own in the extension's storage (named by its time, so a report
 * still open in a tab is never overwritten under it: VS Code would hand back the open document with the
 * old text); untitled without storage.
 */
async function reportDocument(markdown: string, storage: vscode.Uri | undefined): Promise<{ document: vscode.TextDocument; uri: vscode.Uri }> {
  if (storage) {
    const dir = vscode.Uri.joinPath(storage, 'reports');
    await vscode.workspace.fs.createDirectory(dir);
    const names = (await vscode.workspace.fs.readDirectory(dir)).map(([n]) => n).filter((n) => /^performance-report.*\.md$/.test(n));
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    let name = `performance-report-${stamp}.md`;
    for (let i = 2; names.includes(name); i++) name = `performance-report-${stamp}-${i}.md`;
    const uri = vscode.Uri.joinPath(dir, name);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(markdown, 'utf8'));
    for (const old of names.sort().slice(0, Math.max(0, names.length + 1 - KEPT_REPORTS))) {
      await Promise.resolve(vscode.workspace.fs.delete(vscode.Uri.joinPath(dir, old))).catch(() => undefined);
    }
    const document = await vscode.workspace.openTextDocument(uri);
    return { document, uri };
  }
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  return { document, uri: document.uri };
}

async function saveAs(content: string, kind: string, ext: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    filters: { [kind]: [ext] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `performance-report.${ext}`) } : {}),
  });
  if (uri) {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(content, 'utf8'));
  }
}

function isWindowId(v: unknown): v is ReportWindowId {
  return typeof v === 'string' && v in REPORT_WINDOWS;
}

/** The toast after a report: "no issues", "1 issue" and "n issues" are different sentences (also in Chinese word order). */
function reportToast(health: string, issues: number): string {
  if (issues === 0) return vscode.l10n.t('Performance report: {0}, no issues.', health);
  if (issues === 1) return vscode.l10n.t('Performance report: {0}, 1 issue.', health);
  return vscode.l10n.t('Performance report: {0}, {1} issues.', health, issues);
}
