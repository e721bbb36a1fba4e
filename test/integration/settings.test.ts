import * as assert from 'assert';
import { harnessEnv, monitorApi, unusedPort, waitFor, withWorkspaceSettings } from './support/monitorApi';

describe('settings changes take effect without a reload', () => {
  it('follows chatroomMonitor.target.port to a port nothing listens on, and back', async () => {
    const api = await monitorApi();
    const serverPort = Number(harnessEnv('CRM_TEST_SERVER_PORT'));
    await waitFor('the server to be watched first', () => api.targetState().kind === 'running', 15000, () => JSON.stringify(api.targetState()));

    const restore = await withWorkspaceSettings({ 'target.port': await unusedPort() });
    try {
      await waitFor('targetState() to be notRunning', () => api.targetState().kind === 'notRunning', 10000, () => JSON.stringify(api.targetState()));
      await waitFor('the status bar to say "not running"', () => /^\$\(debug-disconnect\) .*not running/.test(api.statusBar().text), 10000, () => api.statusBar().text);
    } finally {
      await restore();
    }
    const back = await waitFor('the server to be watched again', () => {
      const s = api.targetState();
      return s.kind === 'running' ? s : undefined;
    }, 10000, () => JSON.stringify(api.targetState()));
    assert.ok(back.process.ports.length === 0 || back.process.ports.includes(serverPort), `watching ports ${back.process.ports.join(',')}, expected ${serverPort}`);
    await waitFor('CPU % and MB in the status bar again', () => /\d+\s*%.*Mi?B/.test(api.statusBar().text), 10000, () => api.statusBar().text);
  });
});
