import assert from 'node:assert/strict';
import { parseServerSettings, serverPidOf } from '../../../src/core/supervise/serverSettings';

describe('supervise/serverSettings', () => {
  it('reads the command, args, cwd relative to the workspace, env and the policy', () => {
    const { settings, problems } = parseServerSettings(
      { command: 'npm', args: ['run', 'dev'], cwd: 'server', env: { PORT: 8080 }, minUptime: '2s', maxRestarts: 5, stopOnExit: false },
      '/ws',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.launch, { command: 'npm', args: ['run', 'dev'], cwd: '/ws/server', env: { PORT: '8080' } });
    assert.equal(settings.minUptimeMs, 2000);
    assert.equal(settings.maxRestarts, 5);
    assert.equal(settings.stopOnExit, false);
  });

  it('gives one sentence per bad field and defaults', () => {
    const { settings, problems } = parseServerSettings({ command: 3, args: 'server.js', env: [], minUptime: 'soon', maxRestarts: -1 }, '/ws');
    assert.equal(problems.length, 5);
    assert.match(problems[0]!, /chatroomMonitor\.server\.command/);
    assert.equal(settings.launch, undefined);
    assert.equal(settings.stopOnExit, true);
    assert.equal(settings.maxRestarts, 10);
  });

  it('finds the server below an npm wrapper, and stops at a cluster primary', () => {
    assert.equal(serverPidOf([{ pid: 1, ppid: 0 }, { pid: 2, ppid: 1 }, { pid: 3, ppid: 2 }]), 3);
    assert.equal(serverPidOf([{ pid: 1, ppid: 0 }, { pid: 2, ppid: 1 }, { pid: 3, ppid: 2 }, { pid: 4, ppid: 2 }]), 2);
    assert.equal(serverPidOf([]), undefined);
  });
});
