import * as assert from 'assert';
import { ChatroomMonitorApi, monitorApi, unusedPort, waitFor, withWorkspaceSettings } from './support/monitorApi';

/**
 * A bad value must give one sentence naming the setting in the log, never an
 * exception, and the monitor must keep working once the value is fixed.
 */
async function expectSentence(api: ChatroomMonitorApi, setting: string, values: Record<string, unknown>): Promise<void> {
  const before = api.logLines().length;
  const restore = await withWorkspaceSettings(values);
  try {
    const line = await waitFor(`a log line naming ${setting}`, () => api.logLines().slice(Math.max(0, before - 1)).find((l) => l.includes(setting)), 10000, () => api.logLines().slice(-5).join(' | '));
    // One sentence a person can act on, not a stack trace.
    assert.doesNotMatch(line, /\n\s+at /, `the log line is a stack trace: ${line}`);
    assert.ok(line.length < 400, `the log line is ${line.length} characters long: ${line}`);
    // The API still answers while the setting is bad.
    assert.doesNotThrow(() => {
      api.statusBar();
      api.targetState();
      api.latestSnapshot();
    });
  } finally {
    await restore();
  }
  await waitFor('the server to be watched again after the fix', () => api.targetState().kind === 'running', 15000, () => JSON.stringify(api.targetState()));
}

describe('bad settings give a sentence, not an exception', () => {
  it('port 70000 names chatroomMonitor.target.port', async () => {
    await expectSentence(await monitorApi(), 'chatroomMonitor.target.port', { 'target.port': 70000 });
  });

  it('an invalid regular expression names chatroomMonitor.target.commandPattern', async () => {
    await expectSentence(await monitorApi(), 'chatroomMonitor.target.commandPattern', { 'target.commandPattern': 'chat-server(' });
  });

  it('a metrics URL that refuses connections names chatroomMonitor.metrics.url', async () => {
    await expectSentence(await monitorApi(), 'chatroomMonitor.metrics.url', { 'metrics.url': `http://127.0.0.1:${await unusedPort()}/metrics` });
  });
});
