import assert from 'node:assert/strict';
import { actionMarkers, COMMIT_RECENT_MS, FILE_SAVED, GIT_COMMIT, isNewCommit, MAX_TIMELINE_MARKERS, timelineMarkers } from '../../../src/core/runs/timelineMarkers';
import type { AuditEntry } from '../../../src/core/supervise/audit';
import { RUN_END, RUN_START } from '../../../src/core/runs/runs';
import { chartOfName } from '../../../src/core/chartData';
import { checkHostToWebview } from '../../../src/shared/protocol';

describe('timeline markers (runs starting, files saved) for the charts', () => {
  it('a run start is a line labelled with its pid and short commit (* when dirty); a save with the file name; other events are not drawn', () => {
    const markers = timelineMarkers([
      { timeMs: 1000, kind: RUN_START, data: { pid: 4242, commit: '3f2a91c5d0e1aa', dirty: true } },
      { timeMs: 2000, kind: FILE_SAVED, data: { path: 'src/rooms.ts' } },
      { timeMs: 3000, kind: RUN_END, data: { pid: 4242 } },
      { timeMs: 4000, kind: RUN_START, data: { pid: 4300, commit: null, dirty: null } },
    ]);
    assert.deepEqual(markers, [
      { kind: 'run', fromMs: 1000, label: 'pid 4242 · 3f2a91c*' },
      { kind: 'save', fromMs: 2000, label: 'rooms.ts' },
      { kind: 'run', fromMs: 4000, label: 'pid 4300' },
    ]);
  });

  it('labels are inert and bounded: hidden characters named, one line, at most 48 characters; at most MAX_TIMELINE_MARKERS, the newest', () => {
    const [m] = timelineMarkers([{ timeMs: 1, kind: FILE_SAVED, data: { path: 'a/\u202Eevil\nname' + 'x'.repeat(100) + '.ts' } }]);
    assert.ok(!m!.label.includes('\u202E') && !m!.label.includes('\n'), m!.label);
    assert.ok(m!.label.length <= 48, m!.label);
    const many = Array.from({ length: MAX_TIMELINE_MARKERS + 5 }, (_, i) => ({ timeMs: i, kind: FILE_SAVED, data: { path: `f${i}.ts` } }));
    const kept = timelineMarkers(many);
    assert.equal(kept.length, MAX_TIMELINE_MARKERS);
    assert.equal(kept[0]!.fromMs, 5);
  });

  it('a git commit is a line labelled with its short hash and subject, inert and bounded', () => {
    const markers = timelineMarkers([
      { timeMs: 5000, kind: GIT_COMMIT, data: { commit: 'a1b2c3d4e5f6', subject: 'rooms: batch joins' } },
      { timeMs: 6000, kind: GIT_COMMIT, data: { commit: 'ffeeddccbbaa', subject: '\u202Egnp.exe\nsecond line' + 'y'.repeat(80) } },
      { timeMs: 7000, kind: GIT_COMMIT, data: { commit: 'abcdef0123' } },
      { timeMs: 8000, kind: GIT_COMMIT, data: { subject: 'no hash: not drawn' } },
    ]);
    assert.deepEqual(markers[0], { kind: 'commit', fromMs: 5000, label: 'a1b2c3d rooms: batch joins' });
    assert.ok(markers[1]!.label.startsWith('ffeeddc '), markers[1]!.label);
    assert.ok(!markers[1]!.label.includes('\u202E') && !markers[1]!.label.includes('\n') && markers[1]!.label.length <= 48, markers[1]!.label);
    assert.deepEqual(markers[2], { kind: 'commit', fromMs: 7000, label: 'abcdef0' });
    assert.equal(markers.length, 3);
  });

  it("automated actions from the audit log are lines (a rule's or the supervisor's, done or failed), not the user's own nor the ones that did nothing", () => {
    const entry = (ms: number, e: Partial<AuditEntry>): AuditEntry => ({
      id: String(ms),
      time: new Date(ms).toISOString(),
      action: 'restart',
      trigger: { kind: 'rule', ruleId: 'memory-leak' },
      result: 'ok',
      durationMs: 5,
      ...e,
    });
    const entries = [
      entry(1000, {}),
      entry(2000, { trigger: { kind: 'user' } }),
      entry(3000, { trigger: { kind: 'supervisor' } }),
      entry(4000, { action: 'scale', result: 'failed' }),
      entry(5000, { result: 'dryRun' }),
      entry(6000, { result: 'declined' }),
      entry(7000, { trigger: { kind: 'cli' } }),
      entry(8000, { action: 'cpuProfile', trigger: { kind: 'rule', ruleId: '<img src=x onerror=alert(1)>\u202E' + 'z'.repeat(60) } }),
    ];
    const markers = actionMarkers(entries, 0);
    assert.deepEqual(
      markers.slice(0, 3),
      [
        { kind: 'action', fromMs: 1000, label: 'restart · memory-leak' },
        { kind: 'action', fromMs: 3000, label: 'restart · crash' },
        { kind: 'action', fromMs: 4000, label: 'scale · memory-leak · failed' },
      ],
    );
    assert.equal(markers.length, 4);
    const hostile = markers[3]!.label;
    assert.ok(hostile.startsWith('CPU profile · <img') && !hostile.includes('\u202E') && hostile.length <= 48, hostile);
    // Only the window asked for.
    assert.deepEqual(actionMarkers(entries, 3500).map((m) => m.fromMs), [4000, 8000]);
  });

  it('HEAD moving is a commit made now only when the new commit is recent (or, undated, sits on the previous HEAD)', () => {
    const now = 1_000_000_000;
    // A commit or an amend just made.
    assert.equal(isNewCommit('aaa', { hash: 'bbb', parents: ['aaa'], commitDateMs: now - 3000 }, now), true);
    assert.equal(isNewCommit('aaa', { hash: 'ccc', parents: ['zzz'], commitDateMs: now - 1000 }, now), true);
    // A checkout or a pull of older work.
    assert.equal(isNewCommit('aaa', { hash: 'ddd', parents: ['aaa'], commitDateMs: now - COMMIT_RECENT_MS - 1 }, now), false);
    // Nothing moved, or no HEAD to compare with (the first reading).
    assert.equal(isNewCommit('aaa', { hash: 'aaa', parents: [], commitDateMs: now }, now), false);
    assert.equal(isNewCommit(undefined, { hash: 'aaa', parents: [], commitDateMs: now }, now), false);
    // Without a date: only a commit on top of the previous HEAD.
    assert.equal(isNewCommit('aaa', { hash: 'eee', parents: ['aaa'] }, now), true);
    assert.equal(isNewCommit('aaa', { hash: 'fff', parents: ['bbb'] }, now), false);
  });

  it('the page accepts run, save, commit and action markers with a label, and refuses a label that is not text', () => {
    const init = (markers: unknown[]) => ({ type: 'markers', markers });
    assert.equal(
      checkHostToWebview(
        init([
          { kind: 'run', fromMs: 1, label: 'pid 1' },
          { kind: 'save', fromMs: 2 },
          { kind: 'commit', fromMs: 3, label: 'a1b2c3d fix' },
          { kind: 'action', fromMs: 4, label: 'restart · crash' },
        ]),
      ),
      undefined,
    );
    assert.match(checkHostToWebview(init([{ kind: 'run', fromMs: 1, label: 5 }])) ?? '', /label/);
    assert.match(checkHostToWebview(init([{ kind: 'restart', fromMs: 1 }])) ?? '', /kind/);
  });

  it('per-instance CPU and memory have their own charts; the instance counts are not charted', () => {
    assert.equal(chartOfName('service_instance_cpu_usage_percent'), 'instanceCpu');
    assert.equal(chartOfName('service_instance_resident_memory_bytes'), 'instanceMemory');
    assert.equal(chartOfName('service_instance_up'), 'none');
    assert.equal(chartOfName('service_instances_up'), 'none');
  });
});
