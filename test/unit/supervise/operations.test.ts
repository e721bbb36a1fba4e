import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Alert, AlertTransition } from '../../../src/core/alerts/alert';
import { validateRules } from '../../../src/core/alerts/rule';
import { ActionSpec, validateActions } from '../../../src/core/alerts/ruleActions';
import { ActionRunner } from '../../../src/core/supervise/actionRunner';
import { AuditEntry, AuditLog, lastUndoable } from '../../../src/core/supervise/audit';
import { Operations } from '../../../src/core/supervise/operations';
import { Supervisor } from '../../../src/core/supervise/supervisor';
import { fakeClock } from '../helpers/fakeClock';
import { FakeLauncher } from './fakeLauncher';

function setup(file?: string, maxBytes?: number) {
  const clock = fakeClock();
  const launcher = new FakeLauncher();
  const supervisor = new Supervisor({ clock, launcher, policy: { minUptimeMs: 1000, firstDelayMs: 100, maxRestarts: 3 } });
  const audit = new AuditLog({ clock, ...(file ? { file } : {}), ...(maxBytes ? { maxBytes } : {}) });
  const ops = new Operations({ clock, supervisor, audit });
  return { clock, launcher, supervisor, audit, ops };
}

function alert(ruleId = 'mem-high', value = 600e6): Alert {
  return {
    id: `${ruleId}/process_resident_memory_bytes`,
    ruleId,
    level: 'warning',
    state: 'firing',
    title: 'Memory above 500 MiB',
    message: '',
    metric: 'process_resident_memory_bytes',
    labels: {},
    seriesKey: 'process_resident_memory_bytes',
    value,
    valueText: '572 MiB',
    threshold: 500e6,
    thresholdText: '477 MiB',
    op: '>',
    peakValue: value,
    inhibited: false,
  };
}
const firing = (a: Alert): AlertTransition => ({ alert: a, from: 'pending', to: 'firing', reason: 'forElapsed', notify: true, timeMs: 0 });

function spec(v: object): ActionSpec {
  const problems: string[] = [];
  const [s] = validateActions([v], 'rule', problems);
  assert.deepEqual(problems, []);
  return s!;
}

describe('supervise/audit', () => {
  it('appends one JSON line per operation with time, action, trigger, result and duration, and keeps the file bounded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-'));
    const file = path.join(dir, 'audit.jsonl');
    const { audit } = setup(file, 2000);
    for (let i = 0; i < 40; i++) {
      audit.append({ action: 'restart', trigger: { kind: 'user' }, result: 'ok', durationMs: i, message: 'x'.repeat(50) });
    }
    audit.dispose();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const first = JSON.parse(lines[0]!) as AuditEntry;
    for (const k of ['time', 'action', 'trigger', 'result', 'durationMs', 'id']) {
      assert.ok(k in first, k);
    }
    assert.ok(fs.statSync(file).size <= 2000);
    assert.ok(fs.statSync(`${file}.1`).size <= 2000);
    const reloaded = new AuditLog({ clock: fakeClock(), file });
    assert.equal(reloaded.entries().at(-1)!.durationMs, 39, 'entries survive a reload');
    reloaded.dispose();
    fs.rmSync(dir, { recursive: true });
  });

  it('finds the last undoable entry that was not undone yet', () => {
    const { audit } = setup();
    const a = audit.append({ action: 'scale', trigger: { kind: 'user' }, result: 'ok', durationMs: 0, undo: { kind: 'scale', workers: 1 } });
    const b = audit.append({ action: 'scale', trigger: { kind: 'user' }, result: 'ok', durationMs: 0, undo: { kind: 'scale', workers: 2 } });
    audit.append({ action: 'restart', trigger: { kind: 'user' }, result: 'ok', durationMs: 0 });
    assert.equal(lastUndoable(audit.entries())?.id, b.id);
    audit.append({ action: 'undo', trigger: { kind: 'user' }, result: 'ok', durationMs: 0, undoes: b.id });
    assert.equal(lastUndoable(audit.entries())?.id, a.id);
  });
});

describe('supervise/operations', () => {
  it('audits the supervisor\'s restarts with exitCode/signal and delayMs, and the crash loop', async () => {
    const { clock, launcher, supervisor, audit } = setup();
    supervisor.start({ command: 'node', args: ['s.js'] });
    for (let i = 0; i < 4; i++) {
      await clock.tickAsync(100);
      launcher.last.exit({ exitCode: i === 1 ? null : 1, signal: i === 1 ? 'SIGSEGV' : null });
      await clock.tickAsync(300);
    }
    const restarts = audit.entries().filter((e) => e.action === 'restart');
    assert.deepEqual(restarts.map((e) => [e.exitCode, e.signal, e.delayMs]), [[1, null, 100], [null, 'SIGSEGV', 150], [1, null, 225]]);
    assert.equal(restarts[0]!.trigger.kind, 'supervisor');
    const loop = audit.entries().filter((e) => e.action === 'crashLoop');
    assert.equal(loop.length, 1);
  });

  it('scale sets WEB_CONCURRENCY and restarts; undo returns to the previous count and is audited', async () => {
    const { launcher, supervisor, ops, audit } = setup();
    ops.start({ kind: 'user' }, { command: 'node', args: ['server.js'] });
    assert.equal(ops.workers, 1);
    const e = await ops.scale(2, { kind: 'user' });
    assert.equal(e.result, 'ok');
    assert.deepEqual(e.params, { before: { workers: 1 }, after: { workers: 2 } });
    assert.deepEqual(e.undo, { kind: 'scale', workers: 1 });
    assert.equal(launcher.last.spec.env?.WEB_CONCURRENCY, '2');
    assert.equal(launcher.launched.length, 2, 'restarted with the new count');
    assert.equal(ops.undoable()?.id, e.id);
    const u = await ops.undoLast({ kind: 'user' });
    assert.equal(u.action, 'undo');
    assert.equal(u.undoes, e.id);
    assert.equal(u.result, 'ok');
    assert.equal(launcher.last.spec.env?.WEB_CONCURRENCY, '1');
    assert.equal(launcher.launched.length, 3);
    assert.equal(supervisor.state, 'running');
    const nothing = await ops.undoLast({ kind: 'user' });
    assert.equal(nothing.result, 'skipped');
    assert.match(nothing.message!, /nothing to undo/);
    assert.deepEqual(audit.entries().map((x) => x.action), ['start', 'scale', 'undo', 'undo']);
  });

  it('setLaunch records the previous command, and undo restores it', async () => {
    const { launcher, ops } = setup();
    ops.start({ kind: 'user' }, { command: 'node', args: ['a.js'], env: { A: '1' } });
    ops.setLaunch({ command: 'node', args: ['b.js'] }, { kind: 'user' });
    const u = await ops.undoLast({ kind: 'user' });
    assert.equal(u.result, 'ok');
    assert.deepEqual(launcher.last.spec.args, ['a.js']);
    assert.deepEqual(launcher.last.spec.env, { A: '1' });
  });

  it('disableRule is undone by turning the rule on again', async () => {
    const { ops } = setup();
    const calls: string[] = [];
    ops.handlers = { setRuleEnabled: (id, on) => (calls.push(`${id}:${on}`), Promise.resolve()) };
    await ops.disableRule('mem-high', { kind: 'user' });
    const u = await ops.undoLast({ kind: 'user' });
    assert.equal(u.result, 'ok');
    assert.deepEqual(calls, ['mem-high:false', 'mem-high:true']);
  });

  it('profiles report, in a sentence, that profiling is unavailable when nothing provides it', async () => {
    const { ops } = setup();
    ops.start({ kind: 'user' }, { command: 'node', args: ['s.js'] });
    const e = await ops.runAction(spec({ do: 'cpuProfile' }), { kind: 'user' });
    assert.equal(e.result, 'failed');
    assert.match(e.message!, /only available inside VS Code/);
  });

  it('cpuProfile profiles the watched process for its duration, audits the file and the finding, and leaves nothing to undo', async () => {
    const { ops, supervisor } = setup();
    ops.start({ kind: 'user' }, { command: 'npm', args: ['run', 'dev'] });
    const calls: string[] = [];
    ops.handlers = {
      // The node below the npm wrapper: what the monitor watches, not the supervised leader.
      profileTarget: () => 4242,
      cpuProfile: (pid, ms) => (calls.push(`cpu ${pid} ${ms}`), Promise.resolve({ file: '/s/p.cpuprofile', finding: '72% of CPU in burnCpu at faultInjection.js:98' })),
      heapProfile: (pid, ms) => (calls.push(`heap ${pid} ${ms}`), Promise.resolve({ file: '/s/p.heapprofile' })),
    };
    const e = await ops.runAction(spec({ do: 'cpuProfile', mode: 'auto', duration: '5s' }), { kind: 'rule', ruleId: 'cpu-high' });
    const h = await ops.runAction(spec({ do: 'heapProfile', mode: 'auto' }), { kind: 'rule', ruleId: 'mem-high' });
    assert.deepEqual(calls, ['cpu 4242 5000', 'heap 4242 undefined']);
    assert.notEqual(supervisor.pid, 4242);
    assert.equal(e.result, 'ok');
    assert.deepEqual(e.params, { after: { pid: 4242, file: '/s/p.cpuprofile' } });
    assert.equal(e.message, '72% of CPU in burnCpu at faultInjection.js:98');
    assert.equal(e.mode, 'auto');
    assert.equal(e.undo, undefined);
    assert.equal(h.result, 'ok');
    assert.equal(ops.undoable(), undefined);
    const u = await ops.undoLast({ kind: 'user' });
    assert.equal(u.result, 'skipped');
    assert.match(u.message!, /profiles.* cannot be undone/);
  });

  it('a profile that fails is audited as failed with its sentence; no target is a sentence too', async () => {
    const { ops } = setup();
    ops.handlers = { cpuProfile: () => Promise.reject(new Error('Process 7 exited while it was being profiled.')), profileTarget: () => undefined };
    const none = await ops.runAction(spec({ do: 'cpuProfile' }), { kind: 'user' });
    assert.equal(none.result, 'failed');
    assert.match(none.message!, /nothing to profile/);
    ops.handlers = { ...ops.handlers, profileTarget: () => 7 };
    const e = await ops.runAction(spec({ do: 'cpuProfile' }), { kind: 'user' });
    assert.equal(e.result, 'failed');
    assert.match(e.message!, /exited while it was being profiled/);
  });
});

describe('supervise/actionRunner', () => {
  function runner(opts: { trusted?: boolean; answer?: boolean; allowAuto?: boolean } = {}) {
    const s = setup();
    s.ops.start({ kind: 'user' }, { command: 'node', args: ['s.js'] });
    let actions: ActionSpec[] = [];
    const asked: string[] = [];
    const autoAsked: string[] = [];
    const r = new ActionRunner({
      clock: s.clock,
      operations: s.ops,
      actionsOf: () => actions,
      trusted: () => opts.trusted ?? true,
      ask: (q) => (asked.push(q), Promise.resolve(opts.answer ?? true)),
      allowAutomatic: (kind) => (autoAsked.push(kind), Promise.resolve(opts.allowAuto ?? true)),
    });
    return { ...s, r, asked, autoAsked, set: (a: object[]) => (actions = a.map(spec)) };
  }

  it('auto restart runs once within the cooldown, audited with the alert\'s evidence', async () => {
    const { r, set, clock, launcher } = runner();
    set([{ do: 'restart', mode: 'auto', cooldown: '10m' }]);
    const [first] = await r.onTransition(firing(alert()));
    assert.equal(first!.action, 'restart');
    assert.equal(first!.result, 'ok');
    assert.equal(first!.mode, 'auto');
    assert.equal(first!.trigger.ruleId, 'mem-high');
    assert.equal(first!.trigger.evidence?.value, 600e6);
    assert.equal(first!.trigger.evidence?.threshold, 500e6);
    assert.equal(launcher.launched.length, 2);
    await clock.tickAsync(5 * 60_000);
    const [second] = await r.onTransition(firing(alert()));
    assert.equal(second!.result, 'skipped');
    assert.match(second!.message!, /cooldown/);
    assert.equal(launcher.launched.length, 2);
    await clock.tickAsync(5 * 60_000);
    const [third] = await r.onTransition(firing(alert()));
    assert.equal(third!.result, 'ok');
  });

  it('caps runs per hour', async () => {
    const { r, set, clock } = runner();
    set([{ do: 'restart', mode: 'auto', cooldown: '1m', maxPerHour: 2 }]);
    const results: string[] = [];
    for (let i = 0; i < 4; i++) {
      results.push((await r.onTransition(firing(alert())))[0]!.result);
      await clock.tickAsync(2 * 60_000);
    }
    assert.deepEqual(results, ['ok', 'ok', 'skipped', 'skipped']);
    await clock.tickAsync(60 * 60_000);
    assert.equal((await r.onTransition(firing(alert())))[0]!.result, 'ok');
  });

  it('ignores reminders of an alert that already fires', async () => {
    const { r, set } = runner();
    set([{ do: 'restart', mode: 'auto' }]);
    const out = await r.onTransition({ ...firing(alert()), from: 'firing' });
    assert.deepEqual(out, []);
  });

  it('dryRun only audits what it would do', async () => {
    const { r, set, launcher } = runner();
    set([{ do: 'scale', workers: 2, mode: 'dryRun' }]);
    const [e] = await r.onTransition(firing(alert()));
    assert.equal(e!.result, 'dryRun');
    assert.deepEqual(e!.params, { before: { workers: 1 }, after: { workers: 2 } });
    assert.equal(launcher.launched.length, 1);
  });

  it('ask mode asks, and a no is audited as declined', async () => {
    const { r, set, asked, launcher } = runner({ answer: false });
    set([{ do: 'restart' }]);
    const [e] = await r.onTransition(firing(alert()));
    assert.equal(asked.length, 1);
    assert.match(asked[0]!, /Memory above 500 MiB/);
    assert.equal(e!.result, 'declined');
    assert.equal(launcher.launched.length, 1);
  });

  it('auto mode needs the workspace\'s permission for the kind', async () => {
    const { r, set, autoAsked, launcher } = runner({ allowAuto: false });
    set([{ do: 'restart', mode: 'auto' }]);
    const [e] = await r.onTransition(firing(alert()));
    assert.deepEqual(autoAsked, ['restart']);
    assert.equal(e!.result, 'declined');
    assert.equal(launcher.launched.length, 1);
  });

  it('refuses everything in an untrusted workspace, with a sentence', async () => {
    const { r, set, launcher } = runner({ trusted: false });
    set([{ do: 'restart', mode: 'auto' }]);
    const [e] = await r.onTransition(firing(alert()));
    assert.equal(e!.result, 'refused');
    assert.match(e!.message!, /not trusted/);
    assert.equal(launcher.launched.length, 1);
  });
});

describe('alerts/ruleActions', () => {
  it('validates actions with a sentence per problem and keeps the rule', () => {
    const { rules, problems } = validateRules([
      {
        id: 'mem',
        metric: 'process_resident_memory_bytes',
        op: '>',
        threshold: 1,
        level: 'warning',
        actions: [{ do: 'restart', mode: 'auto', cooldown: '10m' }, { do: 'scale' }, { do: 'reboot' }, { do: 'restart', mode: 'sometimes' }],
      },
    ]);
    assert.equal(rules.length, 1);
    assert.deepEqual(rules[0]!.actions, [{ do: 'restart', mode: 'auto', cooldownMs: 600_000, maxPerHour: 3 }]);
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /"scale" action needs "workers"/);
    assert.match(problems[1]!, /"do" is .*reboot/);
    assert.match(problems[2]!, /"mode"/);
  });

  it('profile actions take a duration from 1s to 60s (heapProfile too); outside it is a sentence', () => {
    const problems: string[] = [];
    const ok = validateActions([{ do: 'cpuProfile' }, { do: 'heapProfile', duration: '30s' }, { do: 'heapProfile' }], 'rule', problems);
    assert.deepEqual(problems, []);
    assert.deepEqual(ok.map((a) => a.durationMs), [10_000, 30_000, undefined]);
    const bad = validateActions([{ do: 'cpuProfile', duration: '5m' }, { do: 'heapProfile', duration: '500ms' }], 'rule', problems);
    assert.equal(bad.length, 0);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /"duration" must be from 1s to 60s .* not 300s/);
    assert.match(problems[1]!, /not 0\.5s/);
  });
});
