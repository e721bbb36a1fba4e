import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createProcessLocator, ProcfsProcessLocator } from '../../../src/core/process/locator';
import { killAllChildren, SERVER_CODE, startChild, startNode, startServer, startZombie, stopChild } from './helpers/children';

/** A marker unique to this run, so pattern tests never match someone else's process. */
function marker(): string {
  return 'chatmon-' + randomBytes(6).toString('hex');
}

describe('ProcfsProcessLocator (real processes on 127.0.0.1)', function () {
  this.timeout(30_000);
  const locator = new ProcfsProcessLocator();

  afterEach(killAllChildren);

  it('is what createProcessLocator returns on Linux', () => {
    assert.ok(createProcessLocator('linux') instanceof ProcfsProcessLocator);
    assert.ok(!(createProcessLocator('darwin') instanceof ProcfsProcessLocator));
  });

  it('finds a server by pid, with its listening port and start time', async () => {
    const before = Date.now();
    const { child, port } = await startServer();
    const r = await locator.locate({ pid: child.pid });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.process.pid, child.pid);
    assert.deepEqual(r.process.ports, [port]);
    assert.equal(r.process.executable, 'node');
    assert.match(r.process.commandLine, /^\S*node -e /);
    assert.match(r.process.reason, new RegExp(`^pid ${child.pid} \\([^\\n]{1,80}\\) is the pid set in chatroomMonitor\\.target\\.pid, listening on port ${port}\\.$`));
    // btime has whole-second precision.
    assert.ok(Math.abs(r.process.startTimeMs - before) < 3000, `${r.process.startTimeMs} vs ${before}`);
  });

  it('says a missing pid is missing and names the setting', async () => {
    const { child } = await startServer();
    await stopChild(child);
    const r = await locator.locate({ pid: child.pid });
    assert.deepEqual(r, {
      ok: false,
      message: `No process has pid ${child.pid} (chatroomMonitor.target.pid): it may have exited. Start it again and update the pid, or watch it by port instead.`,
      setting: 'chatroomMonitor.target.pid',
    });
  });

  it('finds a server by its listening TCP port and says why', async () => {
    const { child, port } = await startServer();
    const r = await locator.locate({ port });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.process.pid, child.pid);
    assert.match(r.process.reason, new RegExp(`^pid ${child.pid} \\(.*\\) listens on port ${port} \\(chatroomMonitor\\.target\\.port\\)\\.$`));
  });

  it('says nobody listens on a free port, and that an out-of-range port is out of range', async () => {
    const { child, port } = await startServer();
    await stopChild(child);
    assert.deepEqual(await locator.locate({ port }), {
      ok: false,
      message: `No process listens on TCP port ${port} (chatroomMonitor.target.port). Start the chat server, or change the port.`,
      setting: 'chatroomMonitor.target.port',
    });
    assert.deepEqual(await locator.locate({ port: 70000 }), {
      ok: false,
      message: 'Port 70000 is out of range (chatroomMonitor.target.port): use 1–65535.',
      setting: 'chatroomMonitor.target.port',
    });
  });

  it('finds the server, not the sh wrapper that started it, by port and by pattern', async () => {
    const m = marker();
    // "; exit 0" keeps sh alive as a real parent instead of exec-ing node.
    const sh = startChild('sh', ['-c', `"$0" -e "$1" ${m}; exit 0`, process.execPath, SERVER_CODE]);
    const port = Number(await sh.nextLine());
    const byPort = await locator.locate({ port });
    assert.ok(byPort.ok, JSON.stringify(byPort));
    assert.notEqual(byPort.process.pid, sh.pid);
    assert.equal(byPort.process.executable, 'node');
    const byPattern = await locator.locate({ commandPattern: m });
    assert.ok(byPattern.ok, JSON.stringify(byPattern));
    assert.equal(byPattern.process.pid, byPort.process.pid);
    assert.deepEqual(byPattern.process.ports, [port]);
    assert.match(byPattern.process.reason, new RegExp(`matches /${m}/ \\(chatroomMonitor\\.target\\.commandPattern\\); 2 processes qualify, chose it as the innermost .* over pid ${sh.pid} \\(sh -c`));
  });

  it('when a parent hands its listening socket to a child, both hold it and the child is chosen', async () => {
    const parentCode = `
      const net = require('net');
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const child = require('child_process').spawn(process.execPath,
          ['-e', "require('net').createServer((s) => s.end()).listen({ fd: 3 }, () => console.log('child ' + process.pid))", 'chatmon-shared-child'],
          { stdio: ['ignore', 'inherit', 'inherit', srv._handle.fd] });
        console.log(srv.address().port);
      });`;
    const parent = startNode(parentCode, 'chatmon-shared-parent');
    const port = Number(await parent.nextLine());
    const childPid = Number((await parent.nextLine()).split(' ')[1]);
    const r = await locator.locate({ port });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.process.pid, childPid);
    assert.match(r.process.reason, new RegExp(`; 2 processes qualify, chose it as the innermost \\(the others are its parents or launchers\\) over pid ${parent.pid} `));
  });

  it('re-finds a restarted server: a new pid on the same port; the old one is not the same process', async () => {
    const first = await startServer();
    const r1 = await locator.locate({ port: first.port });
    assert.ok(r1.ok);
    assert.equal(await locator.isSameProcess(r1.process.pid, r1.process.startTimeMs), true);
    await stopChild(first.child);
    assert.equal(await locator.isSameProcess(r1.process.pid, r1.process.startTimeMs), false);
    const second = await startServer('chatmon-test', first.port);
    assert.equal(second.port, first.port);
    const r2 = await locator.locate({ port: first.port });
    assert.ok(r2.ok, JSON.stringify(r2));
    assert.equal(r2.process.pid, second.child.pid);
    assert.notEqual(r2.process.pid, r1.process.pid);
  });

  it('isSameProcess is false for a live pid with another start time (a reused PID)', async () => {
    const { child } = await startServer();
    const r = await locator.locate({ pid: child.pid });
    assert.ok(r.ok);
    assert.equal(await locator.isSameProcess(child.pid, r.process.startTimeMs + 5000), false);
  });

  it('isSameProcess is false for a zombie', async () => {
    const zombie = await startZombie();
    const r = await locator.locate({ pid: zombie });
    assert.ok(!r.ok);
    assert.match(r.message, /has exited \(chatroomMonitor\.target\.pid\)/);
    assert.equal(await locator.isSameProcess(zombie, 0), false);
  });

  it('finds by command-line pattern, but never this process or its ancestors', async () => {
    const m = marker();
    const idle = startNode('setInterval(() => {}, 1000); console.log("up")', m);
    await idle.nextLine();
    const r = await locator.locate({ commandPattern: `${m}$` });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.process.pid, idle.pid);
  });

  it('never finds the monitor itself or its ancestors (an editor could match the pattern)', async () => {
    // The locator runs in a child whose own command line, and its sh parent's, hold
    // the marker: without the lineage exclusion it would find one of them.
    const m = marker();
    const code = `require(${JSON.stringify(require.resolve('../../../src/core/process/locator'))})
      .createProcessLocator().locate({ commandPattern: process.argv[1] }).then((r) => console.log(JSON.stringify(r)));`;
    const sh = startChild('sh', ['-c', `"$0" -e "$1" ${m}; exit 0`, process.execPath, code]);
    const r = JSON.parse(await sh.nextLine()) as { ok: boolean; message: string };
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.match(r.message, /^No running process's command line matches/);
  });

  it('skips a process that merely carries the pattern as an argument (like grep)', async () => {
    const m = marker();
    const pattern = `${m}-serv.*`;
    const grepLike = startChild(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")', pattern]);
    await grepLike.nextLine();
    const r = await locator.locate({ commandPattern: pattern });
    assert.ok(!r.ok, JSON.stringify(r));
    const server = startNode('setInterval(() => {}, 1000); console.log("up")', `${m}-server`);
    await server.nextLine();
    const r2 = await locator.locate({ commandPattern: pattern });
    assert.ok(r2.ok, JSON.stringify(r2));
    assert.equal(r2.process.pid, server.pid);
  });

  it('says when nothing matches the pattern, naming the setting', async () => {
    const m = marker();
    // Built so that this very source line does not contain the pattern text.
    const r = await locator.locate({ commandPattern: m + 'x' });
    assert.deepEqual(r, {
      ok: false,
      message: `No running process's command line matches /${m}x/ (chatroomMonitor.target.commandPattern). Start the chat server, or change the pattern: it is matched against the whole command line, like "node server.js".`,
      setting: 'chatroomMonitor.target.commandPattern',
    });
  });

  it('lists every listening process as a candidate, chat servers first', async () => {
    const plain = await startServer('plain-thing');
    const chat = await startServer('chat-server.js');
    const list = await locator.listCandidates();
    const i = list.findIndex((c) => c.pid === chat.child.pid);
    const j = list.findIndex((c) => c.pid === plain.child.pid);
    assert.ok(i >= 0 && j >= 0, JSON.stringify(list));
    assert.ok(i < j, 'the chat-like one sorts first');
    assert.deepEqual(list[i]!.ports, [chat.port]);
    assert.equal(list[i]!.executable, 'node');
    assert.match(list[i]!.commandLine, /chat-server\.js$/);
    assert.ok(list[i]!.chatLikeScore > list[j]!.chatLikeScore);
    assert.ok(!list.some((c) => c.pid === process.pid));
  });
});
