import assert from 'node:assert/strict';
import { chatLikeScore, chooseServerProcess, executableOf, isWrapper, ProcessInfo } from '../../../src/core/process/processChoice';

function proc(pid: number, ppid: number, commandLine: string, startTimeMs = 1000): ProcessInfo {
  const args = commandLine.split(' ');
  return { pid, ppid, args, commandLine, executable: executableOf(args, 'x'), startTimeMs };
}

describe('processChoice', () => {
  it('takes the executable base name from argv[0], even after a title rewrite', () => {
    assert.equal(executableOf(['/usr/bin/node', 'server.js'], 'node'), 'node');
    assert.equal(executableOf(['npm start'], 'npm start'), 'npm');
    assert.equal(executableOf([], 'kworker/0:1'), 'kworker/0:1');
  });

  it('knows launchers from servers', () => {
    assert.ok(isWrapper(proc(1, 0, 'npm start')));
    assert.ok(isWrapper(proc(1, 0, '/bin/sh -c node server.js')));
    assert.ok(isWrapper(proc(1, 0, 'node /usr/lib/node_modules/npm/bin/npm-cli.js start')));
    assert.ok(isWrapper(proc(1, 0, 'node /app/node_modules/.bin/nodemon server.js')));
    assert.ok(!isWrapper(proc(1, 0, 'node server.js')));
    assert.ok(!isWrapper(proc(1, 0, 'python3 -m chat_server')));
  });

  it('chooses the innermost of a chain npm → sh → node and says why', () => {
    const npm = proc(10, 1, 'npm start');
    const sh = proc(11, 10, 'sh -c node server.js');
    const node = proc(12, 11, 'node server.js');
    const ancestors = new Map([
      [10, new Set([1])],
      [11, new Set([10, 1])],
      [12, new Set([11, 10, 1])],
    ]);
    const c = chooseServerProcess([npm, sh, node], ancestors);
    assert.equal(c?.chosen.pid, 12);
    assert.match(c!.why, /^; 3 processes qualify, chose it as the innermost .* over pid 10 \(npm start\), pid 11 \(sh -c node server\.js\)$/);
  });

  it('prefers a non-wrapper when they are not related, then the oldest', () => {
    const npm = proc(20, 1, 'npm start', 500);
    const young = proc(22, 1, 'node server.js', 3000);
    const old = proc(21, 1, 'node server.js', 2000);
    const none = new Map<number, Set<number>>();
    const c = chooseServerProcess([npm, young, old], none);
    assert.equal(c?.chosen.pid, 21);
    assert.match(c!.why, /not a wrapper like npm or sh, the oldest of its peers/);
  });

  it('has nothing to explain for a single candidate, and nothing to choose from none', () => {
    assert.deepEqual(chooseServerProcess([proc(5, 1, 'node a.js')], new Map()), { chosen: proc(5, 1, 'node a.js'), why: '' });
    assert.equal(chooseServerProcess([], new Map()), undefined);
  });

  it('scores chat-server-like listeners above others', () => {
    const chat = chatLikeScore({ executable: 'node', commandLine: 'node examples/chat-server/server.js', ports: [8080] });
    const py = chatLikeScore({ executable: 'python3', commandLine: 'python3 -m chat_server', ports: [8765] });
    const pg = chatLikeScore({ executable: 'postgres', commandLine: '/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql', ports: [5432] });
    const editor = chatLikeScore({ executable: 'node', commandLine: '/usr/lib/code-server/lib/node /usr/lib/code-server/out/node/entry', ports: [8080] });
    assert.ok(chat > pg && chat > editor, `${chat} ${pg} ${editor}`);
    assert.ok(py > pg && py > editor, `${py} ${pg} ${editor}`);
  });
});
