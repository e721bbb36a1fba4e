import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskUsageReader, diskUsageOf } from '../../../src/core/system/diskUsage';
import { ProcfsSystemSampler } from '../../../src/core/system/systemSampler';

describe('DiskUsageReader', () => {
  it('reads asynchronously first; once the file system is known to be local (ext4, tmpfs…), without waiting', async () => {
    const r = new DiskUsageReader(os.tmpdir());
    assert.equal(r.readNow(), undefined);
    const first = await r.read();
    assert.ok('usedBytes' in first);
    const now = r.readNow();
    assert.ok(now !== undefined && 'usedBytes' in now);
    assert.equal(now.totalBytes, diskUsageOf(statfsSync(os.tmpdir())).totalBytes);
  });

  it('a folder that disappears gives the problem sentence, and the next read asks asynchronously again', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-disk-'));
    const r = new DiskUsageReader(dir);
    await r.read();
    rmSync(dir, { recursive: true });
    assert.deepEqual(r.readNow(), {
      source: 'system',
      message: `Cannot read disk usage of "${dir}" (ENOENT): open a workspace folder that exists, so its disk can be measured.`,
    });
    assert.equal(r.readNow(), undefined);
  });

  it('after its first sample, the system sampler finishes without waiting for the event loop', async () => {
    const sampler = new ProcfsSystemSampler({ diskPath: os.tmpdir() });
    await sampler.sample(0);
    const turned = new Promise<string>((resolve) => setImmediate(() => resolve('loop turned')));
    assert.equal(await Promise.race([sampler.sample(0).then(() => 'sync'), turned]), 'sync');
  });
});
