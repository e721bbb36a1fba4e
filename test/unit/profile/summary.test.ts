import assert from 'node:assert/strict';
import { SourceLocator } from '../../../src/core/profile/sourceLocation';
import { CallFrame, CpuProfile, diffHeapProfiles, SamplingHeapNode, summarizeCpuProfile } from '../../../src/core/profile/summary';

const root = '/ws';
const locator = new SourceLocator([root]);
const frame = (functionName: string, url: string, lineNumber = 0, columnNumber = 0): CallFrame => ({ functionName, url, lineNumber, columnNumber });

describe('summarizeCpuProfile', () => {
  // (root) → main → burn (self 6, line ticks on 13) / helper (self 2) ; (idle) 2
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
      { id: 2, callFrame: frame('main', 'file:///ws/app.js', 1), children: [3, 4] },
      { id: 3, callFrame: frame('burn', 'file:///ws/lib/burn.js', 9), positionTicks: [{ line: 13, ticks: 5 }, { line: 11, ticks: 1 }] },
      { id: 4, callFrame: frame('helper', 'file:///other/helper.js', 0), children: [6] },
      { id: 5, callFrame: frame('(idle)', '') },
      { id: 6, callFrame: frame('main', 'file:///ws/app.js', 1) }, // recursion: main under helper
    ],
    startTime: 0,
    endTime: 10_000_000,
    samples: [3, 3, 3, 3, 3, 3, 4, 4, 5, 5, 6, 2],
    timeDeltas: [],
  };

  it('gives self and total percent of the busy samples, hottest self first, with the hottest line', () => {
    const s = summarizeCpuProfile(profile, locator);
    assert.equal(s.samples, 12);
    assert.equal(s.busyPercent, 83.3);
    assert.equal(s.durationMs, 10_000);
    const [burn, main, helper] = s.hotFunctions;
    assert.deepEqual(
      { f: burn!.function, file: burn!.file, line: burn!.line, start: burn!.functionLine, self: burn!.selfPercent, total: burn!.totalPercent, ws: burn!.inWorkspace },
      { f: 'burn', file: 'lib/burn.js', line: 13, start: 10, self: 60, total: 60, ws: true },
    );
    // main: self 1 (node 2) + 1 (node 6, same function) = 20%; total counts every busy sample once, despite the recursion.
    assert.deepEqual([main!.function, main!.selfPercent, main!.totalPercent], ['main', 20, 100]);
    assert.deepEqual([helper!.function, helper!.file, helper!.selfPercent, helper!.totalPercent, helper!.inWorkspace], ['helper', '/other/helper.js', 20, 30, false]);
    assert.ok(!s.hotFunctions.some((h) => h.function === '(idle)' || h.function === '(root)'));
  });

  it('uses hitCount when the profile has no samples array', () => {
    const p: CpuProfile = { ...profile, samples: undefined, nodes: profile.nodes.map((n) => ({ ...n, hitCount: n.id === 3 ? 4 : n.id === 5 ? 4 : 0 })) };
    const s = summarizeCpuProfile(p, locator);
    assert.equal(s.busyPercent, 50);
    assert.equal(s.hotFunctions[0]!.selfPercent, 100);
  });
});

describe('diffHeapProfiles', () => {
  const node = (id: number, f: CallFrame, selfSize: number, children: SamplingHeapNode[] = []): SamplingHeapNode => ({ id, callFrame: f, selfSize, children });
  const leak = frame('leak', 'file:///ws/faults.js', 40);
  const toString = frame('toString', 'node:buffer', 800);
  const dep = frame('send', 'file:///ws/node_modules/ws/sender.js', 10);
  const heap = (leakBytes: number, transient: number, depBytes: number) => ({
    head: node(1, frame('(root)', ''), 0, [
      node(2, frame('onMessage', 'file:///ws/server.js', 5), 0, [node(3, leak, 0, [node(4, toString, leakBytes)]), node(5, dep, depBytes)]),
      node(6, frame('tick', 'node:internal/timers', 3), transient),
    ]),
  });

  it('charges an allocation to the innermost frame of the workspace and sorts sites by growth', () => {
    const s = diffHeapProfiles(heap(1000, 500, 100), heap(5000, 300, 100), 2000, locator);
    assert.deepEqual(
      s.allocationSites.map((a) => [a.function, a.file, a.line, a.growthBytes, a.bytesBefore, a.bytesAfter, a.via]),
      [['leak', 'faults.js', 41, 4000, 1000, 5000, 'toString']],
    );
    assert.equal(s.totalBytesBefore, 1600);
    assert.equal(s.totalBytesAfter, 5400);
    assert.equal(s.intervalMs, 2000);
  });

  it('prefers the developer\'s code to a dependency on the same stack', () => {
    const s = diffHeapProfiles(heap(0, 0, 0), heap(0, 0, 700), 1000, locator);
    // The allocation in node_modules is charged to onMessage, the caller in the workspace.
    assert.deepEqual(s.allocationSites.map((a) => [a.function, a.via]), [['onMessage', 'send']]);
  });
});
