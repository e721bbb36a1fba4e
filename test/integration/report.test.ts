import * as assert from 'assert';
import * as vscode from 'vscode';
import { harnessEnv, monitorApi, nextSnapshots, waitFor } from './support/monitorApi';

interface ReportResult {
  document: vscode.TextDocument;
  uri: vscode.Uri;
  rendered: boolean;
  status: string;
  json: string;
}

const STATUSES = ['healthy', 'warning', 'critical', 'unknown'];

describe('Show Performance Report with a window argument', () => {
  it('opens a Markdown report with the example server\'s real figures, and returns its JSON and status', async function () {
    this.timeout(45000);
    const api = await monitorApi();
    await waitFor('the server to be watched', () => api.targetState().kind === 'running', 15000, () => JSON.stringify(api.targetState()));
    // A few ticks so the window has several samples to summarise (CPU needs two readings for its first
    // sample, and a tick on a loaded machine may miss one).
    await nextSnapshots(api, 5);
    const pid = Number(harnessEnv('CRM_TEST_SERVER_PID'));

    const result = await vscode.commands.executeCommand<ReportResult | undefined>('chatroomMonitor.showReport', '5m');
    assert.ok(result, 'showReport("5m") returned nothing: the window argument should skip the picker');
    try {
      const doc = result.document;
      assert.strictEqual(doc.languageId, 'markdown');
      assert.strictEqual(doc.uri.scheme, 'file', `the report is a file (the preview of an untitled document logs an error): ${doc.uri.toString()}`);
      // Opened rendered: the active tab is the Markdown preview, not a text editor with pipes and dashes.
      assert.strictEqual(result.rendered, true);
      // The preview's tab appears once its webview is created, a moment after the command resolves.
      const activeTab = (): vscode.Tab | undefined => vscode.window.tabGroups.activeTabGroup.activeTab;
      const isPreview = (t: vscode.Tab | undefined): boolean => t?.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType);
      await waitFor('the Markdown preview to be the active tab', () => isPreview(activeTab()), 10000, () => `${activeTab()?.label} ${JSON.stringify(activeTab()?.input)}`);
      const text = doc.getText();
      assert.match(text, /^# Chat server performance report/m);
      assert.match(text, /^## The server$/m);
      assert.ok(text.includes(`pid ${pid}`), `the report does not name pid ${pid}: ${text.slice(0, 400)}`);
      // | Server CPU (% of a core) | latest | mean | … | samples | — real numbers, not dashes.
      const cpuRow = /^\| Server CPU \(% of a core\) \| ([\d.]+)\s*% \|.*\| (\d+)[^|]*\|$/m.exec(text);
      assert.ok(cpuRow, `no CPU % row with numbers in the server table:\n${text.split('\n').filter((l) => l.startsWith('|')).slice(0, 6).join('\n')}`);
      assert.ok(Number(cpuRow[2]) >= 3, `the CPU row summarises ${cpuRow[2]} samples`);

      const json = JSON.parse(result.json) as { target?: { pid?: number; state?: string }; analysis?: { status?: string; sampleCount?: number } };
      assert.strictEqual(json.target?.pid, pid);
      assert.strictEqual(json.target?.state, 'running');
      assert.ok((json.analysis?.sampleCount ?? 0) > 0, `the JSON counts ${json.analysis?.sampleCount} samples`);
      assert.ok(STATUSES.includes(result.status), `status "${result.status}" is not one of ${STATUSES.join(', ')}`);
      assert.strictEqual(json.analysis?.status, result.status);
    } finally {
      const previews = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType));
      await vscode.window.tabGroups.close(previews);
    }
  });

  it('gives nothing back, and opens nothing, for a window it does not know when the picker is dismissed', async function () {
    this.timeout(15000);
    await monitorApi();
    const editors = vscode.window.visibleTextEditors.length;
    // An unknown id falls back to the picker; closing the picker cancels.
    const pending = vscode.commands.executeCommand<ReportResult | undefined>('chatroomMonitor.showReport', '7d');
    let settled = false;
    void pending.then(() => (settled = true));
    // The picker appears asynchronously: keep closing it until the command gives up.
    for (let i = 0; i < 30 && !settled; i++) {
      await new Promise((r) => setTimeout(r, 300));
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
    const result = await pending;
    assert.strictEqual(result, undefined);
    assert.strictEqual(vscode.window.visibleTextEditors.length, editors);
  });
});
