import assert from 'node:assert/strict';
import fs, { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { ProcfsProcessLocator } from '../../../src/core/process/locator';
import { MAX_PIDS_WITH_OPEN_FILES, ProcfsProcessSampler } from '../../../src/core/process/processSampler';
import {
  bootTimeMsSync,
  countOpenFdsSync,
  parseBootTimeSeconds,
  parseCpuTimes,
  parseMemInfo,
  parseProcStat,
  ProcFile,
  readProcFileSync,
  SHORT_READ_ENDS_FILE_BYTES,
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

  it('bootTimeMsSync is btime of /proc/stat in ms', () => {
    assert.equal(bootTimeMsSync(), parseBootTimeSeconds(readFileSync('/proc/stat', 'utf8'))! * 1000);
  });

  it('a ProcFile keeps its fd and reads the current text each time', async () => {
    const f = new ProcFile('uptime');
    const a = f.read();
    assert.ok(f.isOpen);
    await new Promise((r) => setTimeout(r, 30));
    const b = f.read();
    assert.ok(Number(b.split(' ')[0]) > Number(a.split(' ')[0]), `${a} then ${b}`);
    f.close();
    assert.equal(f.isOpen, false);
  });

  it('a ProcFile of a process that exited throws ESRCH and lets its fd go; a new process on the same pid is never read through it', async () => {
    const child = startNode('console.log("up"); setInterval(() => {}, 1000);');
    await child.nextLine();
    const f = new ProcFile(`${child.pid}/stat`);
    assert.equal(parseProcStat(f.read())?.pid, child.pid);
    await stopChild(child);
    assert.throws(() => f.read(), (e: NodeJS.ErrnoException) => e.code === 'ESRCH');
    assert.equal(f.isOpen, false);
    assert.equal(fdsInto(`/proc/${child.pid}/`), 0);
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

describe('fds kept for the per-tick reads', function () {
  this.timeout(20_000);

  afterEach(killAllChildren);

  it('the process sampler holds one pid\'s files while it samples it, and closes them on forget and when the process is gone', async () => {
    const child = startNode('console.log("up"); setInterval(() => {}, 1000);');
    await child.nextLine();
    const sampler = new ProcfsProcessSampler();
    sampler.sampleNow(child.pid);
    sampler.sampleNow(child.pid);
    assert.deepEqual(sampler.pidsWithOpenFiles, [child.pid]);
    assert.equal(fdsInto(`/proc/${child.pid}/`), 3);
    sampler.forget(child.pid);
    assert.deepEqual(sampler.pidsWithOpenFiles, []);
    assert.equal(fdsInto(`/proc/${child.pid}/`), 0);
    sampler.sampleNow(child.pid);
    await stopChild(child);
    assert.equal(sampler.sampleNow(child.pid).kind, 'gone');
    assert.equal(fdsInto(`/proc/${child.pid}/`), 0);
  });

  it(`keeps the files of ${MAX_PIDS_WITH_OPEN_FILES} pids at most, however many it is asked about`, async () => {
    const children = Array.from({ length: MAX_PIDS_WITH_OPEN_FILES + 2 }, () => startNode('console.log("up"); setInterval(() => {}, 1000);'));
    await Promise.all(children.map((c) => c.nextLine()));
    const sampler = new ProcfsProcessSampler();
    for (const c of children) {
      assert.equal(sampler.sampleNow(c.pid).kind, 'ok');
    }
    assert.deepEqual(sampler.pidsWithOpenFiles, children.slice(2).map((c) => c.pid));
    assert.equal(fdsInto(`/proc/${children[0]!.pid}/`) + fdsInto(`/proc/${children[1]!.pid}/`), 0);
  });

  it('isSameProcess keeps one stat fd, for the pid it confirmed last', async () => {
    const a = startNode('console.log("up"); setInterval(() => {}, 1000);');
    const b = startNode('console.log("up"); setInterval(() => {}, 1000);');
    await Promise.all([a.nextLine(), b.nextLine()]);
    const locator = new ProcfsProcessLocator();
    const pa = await locator.locate({ pid: a.pid });
    const pb = await locator.locate({ pid: b.pid });
    assert.ok(pa.ok && pb.ok);
    assert.equal(await locator.isSameProcess(a.pid, pa.process.startTimeMs), true);
    assert.equal(await locator.isSameProcess(a.pid, pa.process.startTimeMs), true);
    assert.equal(fdsInto(`/proc/${a.pid}/`), 1);
    assert.equal(await locator.isSameProcess(b.pid, pb.process.startTimeMs), true);
    assert.equal(fdsInto(`/proc/${a.pid}/`) + fdsInto(`/proc/${b.pid}/`), 1);
    // A wrong start time (a reused pid) is not the same process, and its fd is not kept.
    assert.equal(await locator.isSameProcess(b.pid, pb.process.startTimeMs - 60_000), false);
    assert.equal(fdsInto(`/proc/${b.pid}/`), 0);
  });
});

type ReadSync = (fd: number, buffer: Buffer, offset: number, length: number, position: number) => number;

/**
 * Runs `f` with node:fs' readSync counted (the procfs readers call it through the
 * module object, so they see the stand-in) and, with `fake`, answered by it.
 */
function withCountedReads<T>(f: () => T, fake?: ReadSync): { result: T; reads: number } {
  const mutableFs = fs as unknown as { readSync: ReadSync };
  const original = mutableFs.readSync;
  let reads = 0;
  mutableFs.readSync = (fd, buffer, offset, length, position) => {
    reads++;
    return (fake ?? original)(fd, buffer, offset, length, position);
  };
  try {
    return { result: f(), reads };
  } finally {
    mutableFs.readSync = original;
  }
}

describe('how many reads a /proc file takes', () => {
  // A test here starts a child Node: it must not outlive the test (npm test's cleanup level fails on it).
  afterEach(killAllChildren);
  it('a small file (a tick\'s stat, status, meminfo…) is one read, not a second one to see the end', () => {
    const f = new ProcFile('self/status');
    try {
      f.read(); // opens
      for (const file of [f, new ProcFile('uptime'), new ProcFile('meminfo'), new ProcFile('self/stat')]) {
        const { result, reads } = withCountedReads(() => file.read());
        assert.ok(result.length > 0 && result.length < SHORT_READ_ENDS_FILE_BYTES, `${file.relativePath}: ${result.length} B`);
        assert.equal(reads, 1, file.relativePath);
        file.close();
      }
    } finally {
      f.close();
    }
  });

  it('a file of many records that comes a page at a time is still read to its end', () => {
    // As seq_file answers a long file of short records: whole lines up to ~4 KiB a read, then 0.
    const line = 'eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n';
    const text = line.repeat(Math.ceil(10_000 / line.length));
    const page = 4096 - (4096 % line.length);
    const bytes = Buffer.from(text, 'latin1');
    const f = new ProcFile('uptime');
    try {
      const { result, reads } = withCountedReads(
        () => f.read(),
        (_fd, buffer, offset, length, position) => bytes.copy(buffer, offset, position, Math.min(position + Math.min(length, page), bytes.length)),
      );
      assert.equal(result, text);
      // Two page-sized reads, then the last ~1.8 KiB: short, so the end (no read of 0 bytes).
      assert.ok(bytes.length - 2 * page < SHORT_READ_ENDS_FILE_BYTES);
      assert.equal(reads, 3);
    } finally {
      f.close();
    }
  });

  it('a tick reads the watched process\' stat once: the sample takes the stat the same-process check read, once', async () => {
    const child = startNode('console.log("up"); setInterval(() => {}, 1000);');
    await child.nextLine();
    const locator = new ProcfsProcessLocator();
    let monotonic = 0;
    const sampler = new ProcfsProcessSampler({ checkedStats: locator, monotonicMs: () => (monotonic += 1000) });
    try {
      const found = await locator.locate({ pid: child.pid });
      assert.ok(found.ok);
      const tick = () => (locator.isSameProcessNow(child.pid, found.process.startTimeMs) ? sampler.sampleNow(child.pid) : undefined);
      tick(); // opens the kept fds
      const { result, reads } = withCountedReads(tick);
      // The check's stat, then the sample's status, limits and uptime (4): not the stat a second time (5).
      assert.equal(reads, 4);
      assert.equal(result?.kind, 'ok');
      assert.ok(result?.kind === 'ok' && result.stats.cpuPercent !== undefined && result.stats.startTimeMs === found.process.startTimeMs, JSON.stringify(result));
      // Taken once: a sample with no check before it reads the stat itself, and so does the sampler alone.
      assert.equal(withCountedReads(() => sampler.sampleNow(child.pid)).reads, 4);
      const alone = new ProcfsProcessSampler();
      assert.equal(withCountedReads(() => alone.sampleNow(child.pid)).reads, 4);
      alone.dispose();
      // A check of one pid serves no sample of another.
      assert.ok(locator.isSameProcessNow(child.pid, found.process.startTimeMs));
      assert.equal(locator.takeCheckedStat(process.pid), undefined);
      assert.equal(locator.takeCheckedStat(child.pid), undefined, 'any take empties it');
    } finally {
      sampler.dispose();
      locator.dispose();
    }
  });

  it('the kernel\'s own long file of many records (/proc/crypto) reads whole', function () {
    if (!existsSync('/proc/crypto') || readFileSync('/proc/crypto').length < 8192) this.skip();
    const { result, reads } = withCountedReads(() => readProcFileSync('crypto'));
    assert.equal(result, readFileSync('/proc/crypto', 'utf8'));
    assert.ok(reads > 2, `${reads} reads: seq_file gives a page or so a read`);
  });
});

/** This process' fds whose target starts with `prefix`. */
function fdsInto(prefix: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(prefix)) {
        n++;
      }
    } catch {
      // the fd readdir itself used, closed by now
    }
  }
  return n;
}

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
