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

  it('restores the history after activate() returned (an hour of it is not activation time), before the first tick', async () => {
    const api = (await monitorApi()) as unknown as { activation(): { returnedMs?: number }; history(): { restore?: { startedMs: number; ms: number } }; latestSnapshot(): unknown };
    const returned = api.activation().returnedMs;
    const restore = api.history().restore;
    assert.ok(returned !== undefined, 'activate() did not say when it returned');
    assert.ok(restore, 'the history was not restored (is history.persist on?)');
    assert.ok(restore.startedMs >= returned, `the restore started ${(returned - restore.startedMs).toFixed(1)} ms before activate() returned`);
  });

  it('fails on purpose when CRM_TEST_FORCE_FAIL=1 (proves a failure reaches npm test)', () => {
    assert.notStrictEqual(process.env.CRM_TEST_FORCE_FAIL, '1', 'CRM_TEST_FORCE_FAIL=1 asked for this failure');
  });
});
