import assert from 'node:assert/strict';
import { FILE_SAVED, MAX_TIMELINE_MARKERS, timelineMarkers } from '../../../src/core/runs/timelineMarkers';
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

  it('the page accepts run and save markers with a label, and refuses a label that is not text', () => {
    const init = (markers: unknown[]) => ({ type: 'markers', markers });
    assert.equal(checkHostToWebview(init([{ kind: 'run', fromMs: 1, label: 'pid 1' }, { kind: 'save', fromMs: 2 }])), undefined);
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
