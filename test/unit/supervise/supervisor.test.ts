import assert from 'node:assert/strict';
import { Supervisor, SupervisorEvent } from '../../../src/core/supervise/supervisor';
import { fakeClock, FakeClock } from '../helpers/fakeClock';
import { FakeLauncher } from './fakeLauncher';

const SPEC = { command: 'node', args: ['server.js'] };

function setup(policy = {}) {
  const clock: FakeClock = fakeClock();
  const launcher = new FakeLauncher();
  const sup = new Supervisor({
    clock,
    launcher,
    name: 'chat',
    policy: { minUptimeMs: 1000, maxRestarts: 3, windowMs: 60_000, firstDelayMs: 100, maxDelayMs: 15_000, killTimeoutMs: 1600, ...policy },
  });
  const events: SupervisorEvent[] = [];
  sup.onEvent((e) => events.push(e));
  return { clock, launcher, sup, events };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('supervise/supervisor (fake clock)', () => {
  it('restarts a crashing command with delays ×1.5, then stops with one critical alert naming the loop', async () => {
    const { clock, launcher, sup, events } = setup();
    sup.start(SPEC);
    for (let i = 0; i < 4; i++) {
      launcher.last.print('stderr', `Error: boom ${i}`);
      await clock.tickAsync(200);
      launcher.last.exit({ exitCode: 1, signal: null });
      const delay = events.filter((e) => e.type === 'restartScheduled').at(-1);
      if (i < 3) {
        assert.equal(sup.state, 'waiting');
        await clock.tickAsync(delay!.type === 'restartScheduled' ? delay!.delayMs : 0);
      }
    }
    const delays = events.flatMap((e) => (e.type === 'restartScheduled' ? [e.delayMs] : []));
    assert.deepEqual(delays, [100, 150, 225]);
    assert.equal(launcher.launched.length, 4);
    const alerts = events.flatMap((e) => (e.type === 'crashLoop' ? [e.alert] : []));
    assert.equal(alerts.length, 1);
    const a = alerts[0]!;
    assert.equal(a.level, 'critical');
    assert.match(a.title, /Crash loop: chat stopped after 3 restarts/);
    assert.match(a.message, /exit code 1/);
    assert.deepEqual(a.exits.map((x) => x.exitCode), [1, 1, 1, 1]);
    assert.deepEqual(a.lastStderr.slice(-2), ['Error: boom 2', 'Error: boom 3']);
    assert.equal(sup.state, 'crashLoop');
    await clock.tickAsync(60_000);
    assert.equal(launcher.launched.length, 4, 'nothing restarts after giving up');
  });

  it('restarts once, after the first delay, when a stable run is killed', async () => {
    const { clock, launcher, sup, events } = setup();
    sup.start(SPEC);
    await clock.tickAsync(5000);
    launcher.last.exit({ exitCode: null, signal: 'SIGKILL' });
    const exited = events.find((e) => e.type === 'exited');
    assert.ok(exited && exited.type === 'exited' && !exited.unstable && !exited.expected && exited.signal === 'SIGKILL');
    await clock.tickAsync(99);
    assert.equal(launcher.launched.length, 1);
    await clock.tickAsync(1);
    assert.equal(launcher.launched.length, 2);
    await clock.tickAsync(60_000);
    assert.equal(launcher.launched.length, 2);
    assert.equal(sup.state, 'running');
  });

  it('resets the backoff after a stable run', async () => {
    const { clock, launcher, sup, events } = setup({ maxRestarts: 10 });
    sup.start(SPEC);
    for (const uptime of [200, 200, 5000, 200]) {
      await clock.tickAsync(uptime);
      launcher.last.exit({ exitCode: 1, signal: null });
      const d = events.at(-1)!;
      await clock.tickAsync(d.type === 'restartScheduled' ? d.delayMs : 0);
    }
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'restartScheduled' ? [e.delayMs] : [])),
      [100, 150, 100, 150],
    );
  });

  it('never restarts what the user stopped, and cancels a pending restart', async () => {
    const { clock, launcher, sup } = setup();
    sup.start(SPEC);
    await clock.tickAsync(5000);
    await sup.stop();
    assert.equal(sup.state, 'stopped');
    assert.deepEqual(launcher.last.signals.slice(0, 1), ['SIGTERM']);
    await clock.tickAsync(60_000);
    assert.equal(launcher.launched.length, 1);

    sup.start();
    launcher.last.exit({ exitCode: 1, signal: null });
    assert.equal(sup.state, 'waiting');
    await sup.stop();
    await clock.tickAsync(60_000);
    assert.equal(launcher.launched.length, 2);
    assert.equal(sup.state, 'stopped');
  });

  it('sends SIGKILL after the kill timeout to a process that ignores SIGTERM, and to the processes below it', async () => {
    const { clock, launcher, sup } = setup();
    launcher.ignoreTerm = true;
    sup.start(SPEC);
    launcher.tree.set(launcher.last.pid!, [{ pid: 2001, ppid: launcher.last.pid!, command: 'node worker' }]);
    const stopped = sup.stop();
    await flush();
    assert.deepEqual(launcher.last.signals, ['SIGTERM+2001']);
    await clock.tickAsync(1599);
    assert.equal(launcher.last.exited, false);
    await clock.tickAsync(1);
    await stopped;
    assert.equal(launcher.last.signals[1], 'SIGKILL+2001');
    assert.equal(sup.state, 'stopped');
  });

  it('restart() by the user stops, starts again at once and forgets the backoff', async () => {
    const { clock, launcher, sup, events } = setup();
    sup.start(SPEC);
    await clock.tickAsync(100);
    launcher.last.exit({ exitCode: 1, signal: null });
    await clock.tickAsync(100);
    await sup.restart();
    assert.equal(launcher.launched.length, 3);
    const started = events.filter((e) => e.type === 'started');
    assert.equal(started.length, 3);
    await clock.tickAsync(100);
    launcher.last.exit({ exitCode: 1, signal: null });
    const d = events.at(-1)!;
    assert.equal(d.type === 'restartScheduled' && d.delayMs, 100);
  });

  it('stops, without retrying, when the command cannot be started', async () => {
    const { clock } = setup();
    // A spawn failure: no pid, an error.
    const failing = new FakeLauncher();
    const sup2 = new Supervisor({ clock, launcher: { launch: (s) => Object.assign(failing.launch(s), { pid: undefined }), descendants: () => Promise.resolve([]) } });
    const evs: SupervisorEvent[] = [];
    sup2.onEvent((e) => evs.push(e));
    sup2.start(SPEC);
    failing.last.exit({ exitCode: null, signal: null, error: 'spawn nope ENOENT' });
    await clock.tickAsync(10_000);
    assert.equal(failing.launched.length, 1);
    assert.equal(sup2.state, 'stopped');
    assert.ok(evs.some((e) => e.type === 'stopped' && e.reason === 'spawnFailed'));
  });

  it('passes every output line on, tagged with its run', async () => {
    const { launcher, sup } = setup();
    const lines: string[] = [];
    sup.onLine((l) => lines.push(`${l.run}:${l.stream}:${l.text}`));
    sup.start(SPEC);
    launcher.last.print('stdout', 'listening');
    launcher.last.print('stderr', 'warn');
    assert.deepEqual(lines, ['1:stdout:listening', '1:stderr:warn']);
  });
});

describe('supervise/serverLines', () => {
  it('passes stdout and stderr lines on as separate sources and says when a new process starts', async () => {
    const { ServerLineStream } = await import('../../../src/core/supervise/serverLines');
    const { clock, launcher, sup } = setup();
    const stream = new ServerLineStream(sup, clock);
    const seen: string[] = [];
    stream.onLine((l) => seen.push(`${l.source}:${l.text}`));
    stream.onRestart(() => seen.push('restart'));
    sup.start(SPEC);
    launcher.last.print('stdout', 'listening');
    launcher.last.print('stderr', 'Error: x');
    await clock.tickAsync(5000);
    launcher.last.exit({ exitCode: 1, signal: null });
    await clock.tickAsync(100);
    launcher.last.print('stdout', 'listening again');
    assert.deepEqual(seen, ['stdout:listening', 'stderr:Error: x', 'restart', 'stdout:listening again']);
    stream.dispose();
  });
});
