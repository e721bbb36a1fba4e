import assert from 'node:assert/strict';
import { ProcessSource } from '../../../src/core/collect/processSource';
import { SystemSource } from '../../../src/core/collect/systemSource';
import { Metric, TargetState } from '../../../src/core/model';
import { ProcessSampler, ProcessSampleResult } from '../../../src/core/process/processSampler';
import { SystemSampleResult, SystemSampler } from '../../../src/core/system/systemSampler';

const running: TargetState = {
  kind: 'running',
  process: { pid: 100, commandLine: 'node server.js', executable: 'node', ports: [8080], startTimeMs: 1, reason: 'pid 100' },
};

function ok(pid: number): ProcessSampleResult {
  return { kind: 'ok', stats: { pid, cpuPercent: 12, rssBytes: 1000, openFds: 9, maxFds: 1024, threads: 7, uptimeSeconds: 5, startTimeMs: 1 } };
}

describe('ProcessSource and SystemSource answer now when their sampler can', () => {
  it('ProcessSource.collectNow samples through sampleNow, with no promise; without sampleNow it leaves the tick to collect()', async () => {
    const calls: string[] = [];
    const sampler: ProcessSampler = {
      sample: (pid) => {
        calls.push(`sample ${pid}`);
        return Promise.resolve(ok(pid));
      },
      sampleNow: (pid) => {
        calls.push(`now ${pid}`);
        return ok(pid);
      },
      forget: (pid) => calls.push(`forget ${pid}`),
      dispose: () => {},
    };
    const source = new ProcessSource(sampler);
    const out = source.collectNow({ nowMs: 0, target: running });
    assert.ok(out && !(out instanceof Promise));
    assert.equal(out.samples.find((s) => s.name === Metric.processRssBytes)?.value, 1000);
    source.collectNow({ nowMs: 1000, target: running });
    assert.deepEqual(calls, ['now 100', 'now 100']);
    assert.equal(source.collectNow({ nowMs: 2000, target: { kind: 'notRunning', message: 'gone' } })?.samples.length, 0);
    assert.deepEqual(calls.at(-1), 'forget 100');

    const asyncOnly = new ProcessSource({ sample: (pid) => Promise.resolve(ok(pid)), forget: () => {}, dispose: () => {} });
    assert.equal(asyncOnly.collectNow({ nowMs: 0, target: running }), undefined);
    assert.equal((await asyncOnly.collect({ nowMs: 0, target: running })).samples.find((s) => s.name === Metric.processRssBytes)?.value, 1000);
  });

  it('collect (a sampler that must wait) and collectNow give the same output for a process tree, each pid sampled once', async () => {
    const tree: TargetState = {
      ...running,
      service: {
        source: 'local',
        where: 'pid 100 and the processes it started',
        reachable: true,
        instances: [
          { instance: 'pid 100', pid: 100, up: true },
          { instance: 'pid 101', pid: 101, up: true },
          { instance: 'pid 102', pid: 102, up: false },
        ],
      },
    };
    const asked: number[] = [];
    const now = new ProcessSource({ sample: () => Promise.reject(new Error('not this way')), sampleNow: (pid) => (asked.push(pid), ok(pid)), forget: () => {}, dispose: () => {} });
    const later = new ProcessSource({ sample: (pid) => (asked.push(pid), Promise.resolve(ok(pid))), forget: () => {}, dispose: () => {} });
    const a = now.collectNow({ nowMs: 0, target: tree });
    const b = await later.collect({ nowMs: 0, target: tree });
    assert.deepEqual(asked, [100, 101, 100, 101]);
    assert.deepEqual(a, b);
    assert.equal(b.samples.find((s) => s.name === Metric.processRssBytes)?.value, 2000, 'the tree total');
    assert.equal(b.samples.filter((s) => s.labels['instance'] !== undefined).length, 4, 'RSS and CPU of each live instance');
  });

  it('SystemSource.collectNow is undefined while its sampler must wait (the first read of the disk), then the sample', () => {
    let ready = false;
    const result: SystemSampleResult = { kind: 'ok', stats: { memoryUsedBytes: 1, memoryTotalBytes: 2, memoryPercent: 50 }, problems: [] };
    const sampler: SystemSampler = { sample: () => Promise.resolve(result), sampleNow: () => (ready ? result : undefined) };
    const source = new SystemSource(sampler);
    assert.equal(source.collectNow({ nowMs: 0 }), undefined);
    ready = true;
    assert.equal(source.collectNow({ nowMs: 0 })?.samples.find((s) => s.name === Metric.systemMemoryPercent)?.value, 50);
  });
});
