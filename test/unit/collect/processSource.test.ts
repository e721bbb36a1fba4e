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
