import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, monitorApi } from './support/monitorApi';

describe('activation in a real extension host', () => {
  it('runs in a Node extension host with the real vscode module', () => {
    assert.strictEqual(typeof vscode.version, 'string');
    assert.ok(process.versions.node, 'not a Node extension host');
  });

  it('activates on startup and returns the test API', async () => {
    const api = await monitorApi();
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, 'extension is not active');
    for (const fn of ['statusBar', 'targetState', 'latestSnapshot', 'onSnapshot', 'logLines'] as const) {
      assert.strictEqual(typeof api[fn], 'function', `API has no ${fn}()`);
    }
  });

  it('fails on purpose when CRM_TEST_FORCE_FAIL=1 (proves a failure reaches npm test)', () => {
    assert.notStrictEqual(process.env.CRM_TEST_FORCE_FAIL, '1', 'CRM_TEST_FORCE_FAIL=1 asked for this failure');
  });
});
