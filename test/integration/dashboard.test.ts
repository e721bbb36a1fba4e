import * as assert from 'assert';
import * as vscode from 'vscode';
import { monitorApi, waitFor } from './support/monitorApi';

const VIEW_TYPE = 'chatroomMonitor.dashboard';

/** The workbench's tabs that hold our dashboard webview (VS Code may prefix the view type). */
function dashboardTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes(VIEW_TYPE));
}

describe('Open Dashboard', () => {
  it('opens one webview tab, reveals it instead of opening a second, and forgets it once closed', async function () {
    this.timeout(30000);
    const api = await monitorApi();
    assert.strictEqual(api.dashboardOpen(), false, 'a dashboard is already open before the test');
    assert.deepStrictEqual(dashboardTabs().map((t) => t.label), []);

    await vscode.commands.executeCommand('chatroomMonitor.openDashboard');
    assert.strictEqual(api.dashboardOpen(), true, 'dashboardOpen() is false right after openDashboard');
    const tab = await waitFor('the dashboard tab', () => dashboardTabs()[0], 10000, () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', '));
    assert.strictEqual(tab.label, 'Chat-Room Monitor');

    await vscode.commands.executeCommand('chatroomMonitor.openDashboard');
    // Give a wrongly created second panel time to reach the tab model.
    await new Promise((r) => setTimeout(r, 1000));
    assert.strictEqual(dashboardTabs().length, 1, `openDashboard twice made ${dashboardTabs().length} tabs`);

    await vscode.window.tabGroups.close(dashboardTabs());
    await waitFor('dashboardOpen() to turn false after the tab closed', () => !api.dashboardOpen(), 10000);
    assert.strictEqual(dashboardTabs().length, 0);

    // Closed means gone, not stuck: it opens again as a fresh tab.
    await vscode.commands.executeCommand('chatroomMonitor.openDashboard');
    await waitFor('the dashboard tab again', () => dashboardTabs().length === 1, 10000);
    assert.strictEqual(api.dashboardOpen(), true);
    await vscode.window.tabGroups.close(dashboardTabs());
    await waitFor('dashboardOpen() to turn false again', () => !api.dashboardOpen(), 10000);
  });
});
