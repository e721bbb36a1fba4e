import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { ProcfsProcessLocator } from '../../../src/core/process/locator';
import { ProcfsProcessSampler } from '../../../src/core/process/processSampler';
import {
  bootTimeMsSync,
  countOpenFdsSync,
  parseBootTimeSeconds,
  parseCpuTimes,
  parseMemInfo,
  parseProcStat,
  readProcFileSync,
  readProcStatSync,
} from '../../../src/core/process/procfs';
import { killAllChildren, startChild, startNode, stopChild } from './helpers/children';

/** Resolves with 'sync' when `p` settles before the event loop turns once (no thread-pool round trip). */
async function settlesBeforeLoopTurn(p: Promise<unknown>): Promise<'sync' | 'loop turned'> {
  const turned = new Promise<'loop turned'>((resolve) => setImmediate(() => resolve('loop turned')));
  return Promise.race([p.then(() => 'sync' as const), turned]);
}

describe('synchronous /proc readers (the per-tick path)', function () {
  this.timeout(20_000);

  afterEach(killAllChildren);

  it('readProcFileSync reads a whole file larger than its first buffer', async () => {
    // A command line of ~100 kB: /proc files report size 0, so only reading to EOF gets all of it.
    const long = 'x'.repeat(50_000);
    const child = startChild('sh', ['-c', 'echo up; sleep 20', long, long]);
    await child.nextLine();
    const text = readProcFileSync(`${child.pid}/cmdline`);
    assert.equal(text, readFileSync(`/proc/${child.pid}/cmdline`, 'utf8'));
    assert.ok(text.length > 100_000, `${text.length}`);
    // And the buffer, now bigger, still returns exactly a small file's bytes.
    assert.equal(readProcFileSync('self/comm'), readFileSync('/proc/self/comm', 'utf8'));
  });

  it('readProcFileSync throws ENOENT for a process that is gone', async () => {
    const child = startNode('console.log("up"); setInterval(() => {}, 1000);');
    await child.nextLine();
    await stopChild(child);
    assert.throws(() => readProcFileSync(`${child.pid}/stat`), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  });

  it('readProcStatSync and bootTimeMsSync agree with the async readers\' parsers', () => {
    const stat = readProcStatSync(process.pid);
    assert.deepEqual(stat, parseProcStat(readFileSync(`/proc/${process.pid}/stat`, 'utf8')));
    assert.equal(bootTimeMsSync(), parseBootTimeSeconds(readFileSync('/proc/stat', 'utf8'))! * 1000);
  });

  it('countOpenFdsSync counts what listing /proc/PID/fd counts, and follows opens', async () => {
    const child = startNode(`console.log('up');
      const fs = require('fs'); const held = [];
      process.stdin.on('data', () => { for (let i = 0; i < 7; i++) held.push(fs.openSync('/dev/null', 'r')); console.log('opened'); });`);
    await child.nextLine();
    const before = countOpenFdsSync(child.pid);
    assert.equal(before, readdirSync(`/proc/${child.pid}/fd`).length);
    child.send('open');
    assert.equal(await child.nextLine(), 'opened');
    assert.equal(countOpenFdsSync(child.pid) - before, 7);
  });

  it('a process sample and the per-tick isSameProcess check finish without waiting for the event loop', async () => {
    const child = startNode('console.log("up"); setInterval(() => {}, 1000);');
    await child.nextLine();
    const sampler = new ProcfsProcessSampler();
    assert.equal(await settlesBeforeLoopTurn(sampler.sample(child.pid, 0)), 'sync');
    assert.equal(sampler.sampleNow(child.pid).kind, 'ok');
    const locator = new ProcfsProcessLocator();
    const found = await locator.locate({ pid: child.pid });
    assert.ok(found.ok);
    assert.equal(await settlesBeforeLoopTurn(locator.isSameProcess(child.pid, found.process.startTimeMs)), 'sync');
    assert.equal(await locator.isSameProcess(child.pid, found.process.startTimeMs), true);
  });
});

describe('procfs parsers: lines are matched at their start', () => {
  it('MemAvailable fallback takes Cached, not SwapCached', () => {
    const text = 'MemTotal: 16000 kB\nMemFree: 1000 kB\nBuffers: 500 kB\nSwapCached: 9999 kB\nCached: 2500 kB\n';
    assert.deepEqual(parseMemInfo(text), { totalBytes: 16000 * 1024, availableBytes: 4000 * 1024 });
  });

  it('the aggregate cpu line is found wherever it is, and a non-number in it rejects the line', () => {
    assert.deepEqual(parseCpuTimes('intr 1 2\ncpu  1 2 3 4\n'), { totalTicks: 10, idleTicks: 4 });
    assert.equal(parseCpuTimes('cpu  1 2 x 4\n'), undefined);
    assert.equal(parseCpuTimes('cpu  1 2 3\n'), undefined);
  });

  it('parses this machine\'s own /proc/self/stat like a field split does', () => {
    const text = readFileSync('/proc/self/stat', 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/).map(Number);
    const s = parseProcStat(text)!;
    assert.deepEqual([s.ppid, s.utimeTicks, s.stimeTicks, s.numThreads, s.startTicks], [f[1], f[11], f[12], f[17], f[19]]);
  });
});
