import { LogsReport } from '../core/logs/logReport';
import * as vscode from 'vscode';
import { Monitor } from '../core/monitor';
import { renderMarkdown } from '../core/report/markdown';
import { buildMonitorReport } from '../core/report/monitorReport';
import { REPORT_WINDOW_IDS, REPORT_WINDOWS, ReportWindowId } from '../shared/vocabulary';
import { renderJson, ReportOperations } from '../core/report/reportData';
import { Commands } from '../shared/commandIds';
import { MonitorLog } from './log';

/** What the command returns: the opened document, and the data behind it (tests, other extensions). */
export interface ReportResult {
  readonly document: vscode.TextDocument;
  readonly status: string;
  readonly json: string;
}

/**
 * "Show Performance Report": asks for the window, writes the report as an untitled
 * Markdown document (the user saves it where they like) and offers the JSON form.
 * A window id argument skips the question (notification actions, tests).
 */
export function registerReportCommand(monitor: Monitor, log: MonitorLog, defaultWindow: () => ReportWindowId, operations?: (fromMs: number) => ReportOperations | undefined, logsReport: (nowMs: number) => LogsReport | undefined = () => undefined): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.showReport, async (windowArg?: string): Promise<ReportResult | undefined> => {
    let window: ReportWindowId | undefined = isWindowId(windowArg) ? windowArg : undefined;
    if (!window) {
      const preferred = defaultWindow();
      const items = REPORT_WINDOW_IDS.map((id) => ({ label: REPORT_WINDOWS[id].label, id, picked: id === preferred }));
      items.sort((a, b) => Number(b.picked) - Number(a.picked));
      const picked = await vscode.window.showQuickPick(items, { title: 'Chat-Room Monitor: Performance report for…' });
      if (!picked) {
        return undefined;
      }
      window = picked.id;
    }
    const t0 = performance.now();
    const nowMs = Date.now();
    const windowMs = REPORT_WINDOWS[window].ms;
    const report = buildMonitorReport(monitor, window, nowMs, operations?.(windowMs === 'all' ? 0 : nowMs - windowMs), logsReport(nowMs));
    const markdown = renderMarkdown(report);
    const json = renderJson(report);
    log.info(`Report (${REPORT_WINDOWS[window].label.toLowerCase()}): status ${report.analysis.status}, ${report.analysis.issues.length} issue(s), built in ${(performance.now() - t0).toFixed(1)} ms.`);
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(document, { preview: false });
    if (!windowArg) {
      void vscode.window
        .showInformationMessage(`Performance report: ${report.analysis.status}, ${report.analysis.issues.length} issue(s).`, 'Open Preview', 'Save JSON…')
        .then(async (choice) => {
          if (choice === 'Open Preview') {
            await vscode.commands.executeCommand('markdown.showPreviewToSide', document.uri);
          } else if (choice === 'Save JSON…') {
            const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
            const uri = await vscode.window.showSaveDialog({
              filters: { JSON: ['json'] },
              ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'performance-report.json') } : {}),
            });
            if (uri) {
              await vscode.workspace.fs.writeFile(uri, Buffer.from(json, 'utf8'));
            }
          }
        });
    }
    return { document, status: report.analysis.status, json };
  });
}

function isWindowId(v: unknown): v is ReportWindowId {
  return typeof v === 'string' && v in REPORT_WINDOWS;
}
