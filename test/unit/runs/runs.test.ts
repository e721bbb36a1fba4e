import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/command';
import { COMMANDS } from '../../../src/cli/commands';
import { Sample, Snapshot, TargetState } from '../../../src/core/model';
import { RunTracker } from '../../../src/core/runs/runTracker';
import { commitText, VcsReading } from '../../../src/core/runs/runs';
import { HistoryRecorder } from '../../../src/core/store/historyRecorder';
import { gaussian, mulberry32 } from '../analyze/synthetic';

const T0 = 1_800_000_000_000;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function running(pid: number, startTimeMs: number): TargetState {
  return { kind: 'running', process: { pid, commandLine: `node server.js --port 1 <b>x</b>`, executable: 'node', ports: [1], startTimeMs, reason: '' } };
}
const stopped: TargetState = { kind: 'notRunning', message: 'the server is not running' };

function snap(timeMs: number, target: TargetState, samples: Sample[] = []): Snapshot {
  return { timeMs, tick: 0, target, samples, problems: [], durationMs: 0, skippedTicks: 0 };
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

/** One second of the example server: CPU around `cpu` (AR(1) noise, as real seconds cluster), steady messages. */
function figures(noise: () => number, state: { x: number }, cpu: number): Sample[] {
  state.x = 0.7 * state.x + noise() * 2;
  return [
    { name: 'process_cpu_usage_percent', labels: {}, value: cpu + state.x },
    { name: 'process_resident_memory_bytes', labels: {}, value: 80 * 1048576 },
    { name: 'chat_messages_per_second', labels: {}, value: 20 + noise() },
    { name: 'chat_active_users', labels: {}, value: 10 },
    { name: 'chat_message_latency_seconds_p95', labels: {}, value: 0.004 + noise() * 0.0002 },
  ];
}

describe('runs: each server start, tagged with its commit', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-runs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a new pid, a reused pid with another start time, and a stop each end or start a run; git is read once per start', async () => {
    const rec = HistoryRecorder.open(dir, {}, () => T0);
    let reads = 0;
    const vcs: VcsReading[] = [{ commit: A, dirty: false, branch: 'main' }, { commit: B, dirty: true, branch: 'feature' }, { noteCode: 'notRepository' }];
    const tracker = new RunTracker(rec, () => vcs[reads++]!);
    for (let i = 0; i < 5; i++) {
      tracker.onSnapshot(snap(T0 + i * 1000, running(100, T0 - 5000)));
    }
    for (let i = 5; i < 8; i++) {
      tracker.onSnapshot(snap(T0 + i * 1000, running(200, T0 + 4500)));
    }
    // The same pid again, but a new process (its start time moved): a new run.
    tracker.onSnapshot(snap(T0 + 8000, running(200, T0 + 7900)));
    tracker.onSnapshot(snap(T0 + 9000, stopped));
    tracker.onSnapshot(snap(T0 + 10_000, stopped));
    await tracker.settled();
    assert.equal(reads, 3, 'git is read at each run start, not each tick');
    const runs = rec.runs();
    assert.deepEqual(
      runs.map((r) => [r.pid, r.startMs - T0, r.endMs - T0, r.ended, r.commit, r.dirty, r.branch]),
      [
        [100, 0, 5000, true, A, false, 'main'],
        [200, 5000, 8000, true, B, true, 'feature'],
        [200, 8000, 9000, true, null, null, null],
      ],
    );
    assert.equal(commitText(runs[1]!), 'bbbbbbbbbbbb (uncommitted changes) on feature');
    assert.equal(commitText(runs[2]!), 'no commit (the workspace folder is not in a git repository, so runs are not tagged with a commit)');
    rec.dispose();
  });

  it('after a reload the server still running goes on as the same run; the list survives the reopen', async () => {
    const first = HistoryRecorder.open(dir, {}, () => T0);
    const t1 = new RunTracker(first, () => ({ commit: A, dirty: false }));
    t1.onSnapshot(snap(T0, running(100, T0 - 1000)));
    first.record(snap(T0, running(100, T0 - 1000), [{ name: 'process_cpu_usage_percent', labels: {}, value: 3 }]));
    await t1.settled();
    first.dispose();

    const second = HistoryRecorder.open(dir, {}, () => T0 + 60_000);
    assert.equal(second.runs().length, 1);
    assert.equal(second.runs()[0]!.ended, false);
    let reads = 0;
    const t2 = new RunTracker(second, () => (reads++, { commit: B, dirty: false }), second.runs().at(-1));
    t2.onSnapshot(snap(T0 + 60_000, running(100, T0 - 1000)));
    await t2.settled();
    assert.equal(reads, 0);
    assert.deepEqual(second.runs().map((r) => r.commit), [A]);
    // A restart while the window was closed: the next pid is a new run.
    t2.onSnapshot(snap(T0 + 61_000, running(300, T0 + 60_500)));
    await t2.settled();
    assert.deepEqual(second.runs().map((r) => [r.pid, r.commit, r.ended]), [[100, A, true], [300, B, false]]);
    second.dispose();
  });

  it('CLI: `history runs --store` lists them with their summary; `compare --store DIR previous latest` names the CPU regression and both commits', async () => {
    const rec = HistoryRecorder.open(dir, { retentionMs: Infinity }, () => T0);
    const vcs: VcsReading[] = [{ commit: A, dirty: false, branch: 'main' }, { commit: B, dirty: false, branch: 'main' }];
    let k = 0;
    const tracker = new RunTracker(rec, () => vcs[k++]!);
    const noise = gaussian(mulberry32(7));
    const state = { x: 0 };
    let t = T0;
    for (const [pid, cpu] of [[100, 20], [200, 30]] as const) {
      for (let i = 0; i < 150; i++, t += 1000) {
        const s = snap(t, running(pid, T0 + pid), figures(noise, state, cpu));
        tracker.onSnapshot(s);
        rec.record(s);
      }
      await tracker.settled();
    }
    rec.dispose();

    const list = capture();
    assert.equal(await runCli(COMMANDS, ['history', 'runs', '--store', dir, '--json'], list.io), 0, list.err.join(''));
    const json = JSON.parse(list.out.join('')) as { runs: { id: string; pid: number; commit: string; ticks: number; summary: Record<string, number> }[] };
    assert.deepEqual(json.runs.map((r) => [r.pid, r.commit, r.ticks]), [[100, A, 150], [200, B, 150]]);
    const s = json.runs[0]!.summary;
    assert.ok(Math.abs(s['cpuPercent']! - 20) < 2, String(s['cpuPercent']));
    // (cpu% / 100) / msg/s × 1000: 0.2 core-s a second over 20 msg/s = 10 core-s per 1,000 messages.
    assert.ok(Math.abs(s['cpuSecondsPer1kMessages']! - 10) < 1.5, String(s['cpuSecondsPer1kMessages']));
    assert.ok(Math.abs(s['rssMiBPerUser']! - 8) < 1e-9);
    const text = capture();
    await runCli(COMMANDS, ['history', 'runs', '--store', dir], text.io);
    assert.match(text.out.join(''), /pid 100 {2}aaaaaaaaaaaa on main/);

    const cmp = capture();
    const code = await runCli(COMMANDS, ['compare', '--store', dir, 'previous', 'latest', '--fail-on-regression', '10%'], cmp.io);
    const out = cmp.out.join('');
    assert.equal(code, 1, out + cmp.err.join(''));
    assert.match(out, /base: run \d+ .*pid 100.*aaaaaaaaaaaa on main/);
    assert.match(out, /head: run \d+ .*pid 200.*bbbbbbbbbbbb on main/);
    assert.match(out, /Server CPU: .* — REGRESSION/);
    assert.match(out, /Messages: .* — no significant change/);

    const bad = capture();
    assert.equal(await runCli(COMMANDS, ['compare', '--store', dir, json.runs[0]!.id, '12345'], bad.io), 2);
    assert.match(bad.err.join(''), /no run "12345" in .* \(2 runs\)/);
  });
});
