import assert from 'node:assert/strict';
import childProcess, { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ProcfsProcessLocator } from '../../../src/core/process/locator';
import { ProcfsProcessSampler } from '../../../src/core/process/processSampler';
import { ProcfsSystemSampler } from '../../../src/core/system/systemSampler';
import { killAllChildren, startServer } from './helpers/children';

type Patchable = Record<string, unknown>;
const NAMES = ['spawn', 'exec', 'execFile', 'fork', 'spawnSync', 'execSync', 'execFileSync'] as const;

/**
 * Counts every way Node can start a process while `fn` runs: the module's
 * functions, and ChildProcess.prototype.spawn, which every async variant ends in
 * even when called through a reference taken before the patch.
 */
async function countSpawns(fn: () => Promise<void>): Promise<number> {
  let calls = 0;
  const mod = childProcess as unknown as Patchable;
  const saved = NAMES.map((n) => mod[n]);
  const proto = ChildProcess.prototype as unknown as { spawn: (...a: unknown[]) => unknown };
  const savedProto = proto.spawn;
  for (const n of NAMES) {
    const orig = mod[n] as (...a: unknown[]) => unknown;
    mod[n] = (...a: unknown[]) => {
      calls++;
      return orig(...a);
    };
  }
  proto.spawn = function (this: ChildProcess, ...a: unknown[]) {
    calls++;
    return savedProto.apply(this, a);
  };
  try {
    await fn();
  } finally {
    NAMES.forEach((n, i) => {
      mod[n] = saved[i];
    });
    proto.spawn = savedProto;
  }
  return calls;
}

describe('no child process on Linux', function () {
  this.timeout(60_000);

  after(killAllChildren);

  it('the counter itself sees spawns, even through a reference taken before (so a zero below means something)', async () => {
    const early = childProcess.spawn;
    const n = await countSpawns(async () => {
      childProcess.execFileSync('true');
      await once(early('true'), 'exit');
    });
    assert.equal(n, 2);
  });

  it('20 samples of each sampler and 20 locator calls start no process', async () => {
    const { child, port } = await startServer();
    const ps = new ProcfsProcessSampler();
    const ss = new ProcfsSystemSampler();
    const loc = new ProcfsProcessLocator();
    const n = await countSpawns(async () => {
      for (let i = 0; i < 20; i++) {
        assert.equal((await ps.sample(child.pid, Date.now())).kind, 'ok');
        assert.equal((await ss.sample(Date.now())).kind, 'ok');
        const r = await loc.locate(i % 3 === 0 ? { pid: child.pid } : i % 3 === 1 ? { port } : { commandPattern: 'chatmon-test$' });
        assert.ok(r.ok, JSON.stringify(r));
        assert.ok(await loc.isSameProcess(r.process.pid, r.process.startTimeMs));
      }
      assert.ok((await loc.listCandidates()).some((c) => c.pid === child.pid));
    });
    assert.equal(n, 0);
  });
});
