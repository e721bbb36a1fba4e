import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Metric } from '../../../src/core/model';
import { createSystemSampler, ProcfsSystemSampler, SystemSampleResult, SystemStats, systemStatsToSamples } from '../../../src/core/system/systemSampler';

function ok(r: SystemSampleResult): { stats: SystemStats; problems: readonly unknown[] } {
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return r as { stats: SystemStats; problems: readonly unknown[] };
}

describe('ProcfsSystemSampler (this machine)', function () {
  this.timeout(20_000);

  it('is what createSystemSampler returns on Linux', () => {
    assert.ok(createSystemSampler({}, 'linux') instanceof ProcfsSystemSampler);
    assert.ok(!(createSystemSampler({}, 'darwin') instanceof ProcfsSystemSampler));
  });

  it('CPU and network rates are undefined on the first sample and numbers afterwards', async () => {
    const sampler = new ProcfsSystemSampler();
    const first = ok(await sampler.sample(Date.now())).stats;
    assert.equal(first.cpuPercent, undefined);
    assert.equal(first.netRxBytesPerSecond, undefined);
    await new Promise((r) => setTimeout(r, 300));
    const second = ok(await sampler.sample(Date.now())).stats;
    assert.ok(second.cpuPercent! >= 0 && second.cpuPercent! <= 100, `${second.cpuPercent}`);
    assert.ok(second.netRxBytesPerSecond! >= 0 && second.netTxBytesPerSecond! >= 0);
  });

  it('memory total equals psutil\'s and used is MemTotal − MemAvailable', async () => {
    const { stats } = ok(await new ProcfsSystemSampler().sample(0));
    const out = execFileSync('/usr/bin/python3', ['-c', 'import psutil; m = psutil.virtual_memory(); print(m.total, m.available)'], { encoding: 'utf8' });
    const [total, available] = out.trim().split(' ').map(Number) as [number, number];
    assert.equal(stats.memoryTotalBytes, total);
    // Available memory moves between the two reads; 2% of total is plenty.
    assert.ok(Math.abs(stats.memoryUsedBytes - (total - available)) < total * 0.02);
    assert.ok(Math.abs(stats.memoryPercent - (stats.memoryUsedBytes / total) * 100) < 1e-9);
  });

  it('disk figures match df for the configured path', async () => {
    const { stats, problems } = ok(await new ProcfsSystemSampler({ diskPath: '/tmp' }).sample(0));
    assert.deepEqual(problems, []);
    const line = execFileSync('df', ['-B1', '--output=used,size,pcent', '/tmp'], { encoding: 'utf8' }).trim().split('\n')[1]!;
    const [used, size, pcent] = line.trim().split(/\s+/);
    assert.equal(stats.diskTotalBytes, Number(size));
    assert.ok(Math.abs(stats.diskUsedBytes! - Number(used)) < Number(size) * 0.01);
    // df rounds Use% up to a whole percent.
    assert.equal(Math.ceil(stats.diskPercent!), Number(pcent!.replace('%', '')));
  });

  it('a disk path that does not exist gives a problem sentence, and the rest is still measured', async () => {
    const r = ok(await new ProcfsSystemSampler({ diskPath: '/no/such/folder' }).sample(0));
    assert.equal(r.stats.diskPercent, undefined);
    assert.ok(r.stats.memoryTotalBytes > 0);
    assert.deepEqual(r.problems, [
      { source: 'system', message: 'Cannot read disk usage of "/no/such/folder" (ENOENT): open a workspace folder that exists, so its disk can be measured.' },
    ]);
  });

  it('turns stats into samples under the Metric names, leaving out unknown values', () => {
    const samples = systemStatsToSamples({ memoryUsedBytes: 1, memoryTotalBytes: 4, memoryPercent: 25, diskPercent: 50, netRxBytesPerSecond: 9 });
    assert.deepEqual(
      samples.map((s) => [s.name, s.value]),
      [
        [Metric.systemMemoryUsedBytes, 1],
        [Metric.systemMemoryTotalBytes, 4],
        [Metric.systemMemoryPercent, 25],
        [Metric.systemDiskPercent, 50],
        [Metric.systemNetRxBytesPerSecond, 9],
      ],
    );
  });
});
