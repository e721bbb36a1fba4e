import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/clock';
import { nodeLauncher } from '../../../src/core/supervise/nodeLauncher';
import { Supervisor, SupervisorEvent } from '../../../src/core/supervise/supervisor';
import { isRunning } from './processHelpers';

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const node = (code: string) => ({ command: process.execPath, args: ['-e', code, 'chatmon-supervise-test'] });

describe('supervise/supervisor (real processes)', function () {
  this.timeout(30_000);
  const supervisors: Supervisor[] = [];
  const seenPids = new Set<number>();

  function supervise(policy: object) {
    const sup = new Supervisor({ clock: systemClock, launcher: nodeLauncher, name: 'test-server', policy: { killTimeoutMs: 2000, ...policy } });
    supervisors.push(sup);
    const events: SupervisorEvent[] = [];
    sup.onEvent((e) => {
      events.push(e);
      if (e.type === 'started') {
        seenPids.add(e.pid);
      }
    });
    return { sup, events };
  }

  afterEach(async () => {
    await Promise.all(supervisors.splice(0).map((s) => s.stop()));
    await waitFor('every process a test started to be gone', () => [...seenPids].every((p) => !isRunning(p)), 5000).catch(() => undefined);
    const alive = [...seenPids].filter(isRunning);
    for (const p of alive) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // gone
      }
    }
    seenPids.clear();
    assert.deepEqual(alive, [], 'no orphan process (by PID)');
  });

  it('restarts a server that exits 1 after 200 ms with delays growing ×1.5, then stops after maxRestarts with one critical alert', async () => {
    const { sup, events } = supervise({ minUptimeMs: 5000, maxRestarts: 3, windowMs: 120_000, firstDelayMs: 100 });
    sup.start(node('console.error("fatal: cannot open db"); setTimeout(() => process.exit(1), 200)'));
    await waitFor('the crash loop to be declared', () => sup.state === 'crashLoop');
    const delays = events.flatMap((e) => (e.type === 'restartScheduled' ? [e.delayMs] : []));
    assert.deepEqual(delays, [100, 150, 225]);
    const starts = events.filter((e) => e.type === 'started');
    assert.equal(starts.length, 4);
    // The delays were really waited: each start comes at least its delay after the exit before it.
    const exits = events.filter((e) => e.type === 'exited');
    for (let i = 1; i < starts.length; i++) {
      const gap = starts[i]!.timeMs - exits[i - 1]!.timeMs;
      assert.ok(gap >= delays[i - 1]! - 5, `restart ${i} came ${gap} ms after the exit, expected ≥ ${delays[i - 1]}`);
    }
    const alerts = events.flatMap((e) => (e.type === 'crashLoop' ? [e.alert] : []));
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.level, 'critical');
    assert.deepEqual(alerts[0]!.exits.map((x) => x.exitCode), [1, 1, 1, 1]);
    assert.ok(alerts[0]!.lastStderr.includes('fatal: cannot open db'));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(events.filter((e) => e.type === 'started').length, 4, 'still stopped');
  });

  it('restarts a server killed once after a stable run exactly once', async () => {
    const { sup, events } = supervise({ minUptimeMs: 300, firstDelayMs: 100 });
    sup.start(node('console.log("up"); setInterval(() => {}, 1000)'));
    await waitFor('the first start', () => sup.pid !== undefined);
    const first = sup.pid!;
    await new Promise((r) => setTimeout(r, 600));
    process.kill(first, 'SIGKILL');
    await waitFor('the restart', () => events.filter((e) => e.type === 'started').length === 2);
    const exit = events.find((e) => e.type === 'exited');
    assert.ok(exit && exit.type === 'exited' && exit.signal === 'SIGKILL' && !exit.unstable);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(events.filter((e) => e.type === 'started').length, 2);
    assert.equal(sup.state, 'running');
    assert.ok(!isRunning(first));
  });

  it('keeps a stopped server stopped', async () => {
    const { sup, events } = supervise({ minUptimeMs: 300, firstDelayMs: 50 });
    sup.start(node('setInterval(() => {}, 1000)'));
    await waitFor('the start', () => sup.pid !== undefined);
    const pid = sup.pid!;
    await sup.stop();
    assert.equal(sup.state, 'stopped');
    assert.ok(!isRunning(pid));
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(events.filter((e) => e.type === 'started').length, 1);
  });

  it('watches and stops the whole tree: a shell wrapper, the node below it, and a child that left the group', async () => {
    const { sup } = supervise({ minUptimeMs: 300 });
    const grandchild = `require("child_process").spawn(process.execPath, ["-e", "setInterval(()=>{},1000)", "chatmon-escaped"], { detached: true, stdio: "ignore" }); setInterval(() => {}, 1000)`;
    sup.start({ command: '/bin/sh', args: ['-c', `${JSON.stringify(process.execPath)} -e '${grandchild}' chatmon-wrapped; echo done`] });
    let tree: Awaited<ReturnType<Supervisor['tree']>> = [];
    await waitFor('sh → node → node', () => {
      void sup.tree().then((t) => (tree = t));
      return tree.length >= 3;
    });
    const pids = tree.map((p) => p.pid);
    pids.forEach((p) => seenPids.add(p));
    assert.match(tree[1]!.command, /chatmon-wrapped/);
    assert.match(tree[2]!.command, /chatmon-escaped/);
    await sup.stop();
    await waitFor('the tree to be gone', () => pids.every((p) => !isRunning(p)), 5000);
  });
});
