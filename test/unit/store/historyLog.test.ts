import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { HistoryLog } from '../../../src/core/store/historyLog';
import { Sample } from '../../../src/core/model';

/** The value series `s` has at time t: exact in float64, so any corruption shows. */
const valueOf = (s: number, t: number): number => (s === 0 ? 42 : s === 1 ? Math.floor(t / 7000) : Math.sin(t / 1000 + s) * 100);
const NAMES = ['process_max_fds', 'chat_messages_total', 'process_cpu_usage_percent', 'chat_message_latency_seconds_p95'];

function samplesAt(t: number): Sample[] {
  return NAMES.map((name, s) => ({ name, labels: (s === 3 ? { room: 'gen"eral' } : {}) as Record<string, string>, value: valueOf(s, t) }));
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'crm-history-'));
}

function checkAll(log: HistoryLog): Map<string, number> {
  const lastOf = new Map<string, number>();
  for (const [key, h] of log.read(-Infinity, Infinity)) {
    const s = NAMES.indexOf(h.name);
    assert.ok(s >= 0, `unknown series ${key}`);
    for (let i = 0; i < h.times.length; i++) {
      if (i > 0) {
        assert.ok(h.times[i]! > h.times[i - 1]!, `${key}: times go backwards at ${i}`);
      }
      assert.equal(h.values[i], valueOf(s, h.times[i]!), `${key} at ${h.times[i]}: a corrupt sample`);
    }
    lastOf.set(key, h.times[h.times.length - 1]!);
  }
  return lastOf;
}

describe('HistoryLog (segments on disk)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const newDir = (): string => {
    const d = tmpDir();
    dirs.push(d);
    return d;
  };

  it('gives back every sample written, across blocks, segments, a reopen and the head block', () => {
    const dir = newDir();
    let { log } = HistoryLog.open(dir, { blockTicks: 7, segmentBytes: 600, retentionMs: Infinity });
    for (let i = 0; i < 100; i++) {
      log.append(1_000_000 + i * 1000, samplesAt(1_000_000 + i * 1000).filter((_, s) => s !== 2 || i % 3 !== 0));
    }
    log.dispose();
    ({ log } = HistoryLog.open(dir, { blockTicks: 7, segmentBytes: 600, retentionMs: Infinity }));
    for (let i = 100; i < 110; i++) {
      log.append(1_000_000 + i * 1000, samplesAt(1_000_000 + i * 1000));
    }
    assert.ok(fs.readdirSync(dir).length > 2, 'several segments');
    const all = log.read(-Infinity, Infinity);
    assert.equal(all.size, 4);
    assert.equal(all.get('process_max_fds')!.times.length, 110);
    // The series missing every third tick has exactly those ticks missing.
    assert.equal(all.get('process_cpu_usage_percent')!.times.length, 110 - 34);
    checkAll(log);
    const window = log.read(1_050_000, 1_059_000, (name) => name === 'chat_messages_total');
    assert.deepEqual([...window.keys()], ['chat_messages_total']);
    assert.equal(window.get('chat_messages_total')!.times.length, 10);
    log.dispose();
  });

  it('keeps events (restarts, run starts) and reads them back by time', () => {
    const { log } = HistoryLog.open(newDir(), { retentionMs: Infinity });
    log.appendEvent({ timeMs: 5000, kind: 'restart', data: { pid: 12 } });
    log.appendEvent({ timeMs: 1000, kind: 'runStart', data: { commit: 'abc123', dirty: false } });
    assert.deepEqual(log.events(0, 10_000).map((e) => e.kind), ['runStart', 'restart']);
    assert.deepEqual(log.events(2000, 10_000).map((e) => e.data), [{ pid: 12 }]);
    log.dispose();
  });

  it('a torn or corrupt tail is cut off at every byte of the last record; everything before it stays', () => {
    const dir = newDir();
    const { log } = HistoryLog.open(dir, { blockTicks: 5, retentionMs: Infinity });
    for (let i = 0; i < 10; i++) {
      log.append(i * 1000, samplesAt(i * 1000));
    }
    log.dispose();
    const [seg] = fs.readdirSync(dir).filter((f) => f.endsWith('.crmh'));
    const file = path.join(dir, seg!);
    const whole = fs.readFileSync(file);
    // The first block ends where the second block's records begin: find it by reopening truncated copies.
    for (let cut = whole.length - 1; cut > whole.length - 40; cut--) {
      fs.writeFileSync(file, whole.subarray(0, cut));
      const { log: again, recovery } = HistoryLog.open(dir, { blockTicks: 5, retentionMs: Infinity });
      assert.equal(recovery.problems.length, 1, recovery.problems.join());
      assert.match(recovery.problems[0]!, /cut short|checksum/);
      const last = checkAll(again);
      assert.equal(last.get('process_max_fds'), 4000, 'the first block survives');
      again.dispose();
      fs.rmSync(dir, { recursive: true });
      fs.mkdirSync(dir);
    }
    // A flipped byte inside the last record fails its checksum.
    const flipped = Buffer.from(whole);
    flipped[whole.length - 3] = flipped[whole.length - 3]! ^ 0x40;
    fs.writeFileSync(file, flipped);
    const { log: again, recovery } = HistoryLog.open(dir, { blockTicks: 5, retentionMs: Infinity });
    assert.match(recovery.problems.join(), /checksum/);
    assert.equal(checkAll(again).get('process_max_fds'), 4000);
    again.dispose();
  });

  it('a closed segment leaves a summary beside it: the next open reads no segment in full, and reads and events are the same', () => {
    const dir = newDir();
    const opts = { blockTicks: 7, segmentBytes: 600, retentionMs: Infinity };
    let { log } = HistoryLog.open(dir, opts);
    for (let i = 0; i < 100; i++) {
      log.append(1_000_000 + i * 1000, samplesAt(1_000_000 + i * 1000));
    }
    log.appendEvent({ timeMs: 1_050_500, kind: 'runStart', data: { pid: 7 } });
    log.dispose();
    const segments = fs.readdirSync(dir).filter((f) => f.endsWith('.crmh'));
    assert.ok(segments.length > 2, `${segments.length} segments`);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.idx')).length, segments.length);
    const opened = HistoryLog.open(dir, opts);
    log = opened.log;
    assert.equal(opened.recovery.scannedSegments, 0);
    assert.equal(opened.recovery.segments, segments.length);
    assert.equal(log.read(-Infinity, Infinity).get('process_max_fds')!.times.length, 100);
    checkAll(log);
    assert.deepEqual(log.events(0, Infinity).map((e) => e.data), [{ pid: 7 }]);
    assert.equal(log.newestTimeMs, 1_099_000);
    log.dispose();
  });

  it('after a crash only the segment left without a summary is read in full; a stale or broken summary is ignored', () => {
    const dir = newDir();
    const opts = { blockTicks: 5, segmentBytes: 400, retentionMs: Infinity, syncIntervalMs: 0 };
    const { log } = HistoryLog.open(dir, opts);
    for (let i = 0; i < 60; i++) {
      log.append(i * 1000, samplesAt(i * 1000));
    }
    // No dispose: the writer "crashed"; the file being written has no summary yet.
    const segments = fs.readdirSync(dir).filter((f) => f.endsWith('.crmh')).sort();
    const indexes = fs.readdirSync(dir).filter((f) => f.endsWith('.idx'));
    assert.equal(indexes.length, segments.length - 1);
    let again = HistoryLog.open(dir, opts);
    assert.equal(again.recovery.scannedSegments, 1);
    assert.equal(checkAll(again.log).get('process_max_fds'), 59_000, 'every written block is back');
    again.log.dispose();
    // A summary that no longer matches its file, and one that is not JSON: both segments are read instead.
    const first = path.join(dir, segments[0]!.replace('.crmh', '.idx'));
    const second = path.join(dir, segments[1]!.replace('.crmh', '.idx'));
    const summary = JSON.parse(fs.readFileSync(first, 'utf8')) as { bytes: number; maxTimeMs: number };
    fs.writeFileSync(first, JSON.stringify({ ...summary, bytes: summary.bytes + 1, maxTimeMs: 0 }));
    fs.writeFileSync(second, '{"v":1,"by');
    again = HistoryLog.open(dir, opts);
    assert.equal(again.recovery.scannedSegments, 2);
    assert.equal(checkAll(again.log).get('process_max_fds'), 59_000);
    assert.equal(again.log.read(0, 4000).get('process_max_fds')!.times.length, 5, 'the first segment is found by its real time span');
    again.log.dispose();
  });

  it('retention deletes the oldest segments by age and by bytes, never the one being written', () => {
    const dir = newDir();
    let now = 0;
    const { log } = HistoryLog.open(dir, { blockTicks: 2, segmentBytes: 300, retentionMs: 60_000, maxBytes: 2000 }, () => now);
    for (let i = 0; i < 400; i++) {
      now = i * 1000;
      log.append(now, samplesAt(now));
    }
    assert.ok(log.bytesOnDisk <= 2000 + 400, `${log.bytesOnDisk} bytes`);
    const oldest = Math.min(...[...log.read(-Infinity, Infinity).values()].map((h) => h.times[0]!));
    assert.ok(oldest >= 400_000 - 60_000 - 10_000, `oldest kept sample at ${oldest}`);
    checkAll(log);
    log.dispose();
  });

  it('survives SIGKILL of the writer at 50 random points: every reopen succeeds, no corrupt sample, only the unsynced tail lost', async function () {
    // 50 node processes: ~10 s on an idle machine, minutes on a loaded one.
    this.timeout(600_000);
    const dir = newDir();
    const modulePath = path.resolve(__dirname, '../../../src/core/store/historyLog.js');
    // The writer: appends ticks as fast as it can, syncing each block, and says which tick is synced.
    const writer = `
      const { HistoryLog } = require(${JSON.stringify(modulePath)});
      const NAMES = ${JSON.stringify(NAMES)};
      const valueOf = ${valueOf.toString()};
      const base = Number(process.argv[1]);
      const { log } = HistoryLog.open(${JSON.stringify(dir)}, { blockTicks: 3, segmentBytes: 4096, syncIntervalMs: 0, retentionMs: Infinity });
      let i = 0;
      const step = () => {
        for (let k = 0; k < 5; k++, i++) {
          const t = base + i * 1000;
          log.append(t, NAMES.map((name, s) => ({ name, labels: (s === 3 ? { room: 'gen"eral' } : {}), value: valueOf(s, t) })));
          if (i % 3 === 2) process.stdout.write('synced ' + t + '\\n');
        }
        setImmediate(step);
      };
      step();`;
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let expectedLast = -Infinity;
    for (let round = 0; round < 50; round++) {
      const base = (round + 1) * 100_000_000;
      const child = spawn(process.execPath, ['-e', writer, String(base)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let synced = -Infinity;
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (l) => {
        synced = Number(l.slice(7));
      });
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the writer exited by itself (${code}) in round ${round}`)));
        // Wait for the first synced block, then kill after a random further delay.
        const waitFirst = setInterval(() => {
          if (synced > -Infinity) {
            clearInterval(waitFirst);
            setTimeout(() => {
              child.removeAllListeners('exit');
              child.kill('SIGKILL');
              resolve();
            }, random() * 60);
          }
        }, 2);
      });
      await new Promise((r) => child.once('exit', r));
      lines.close();
      const { log } = HistoryLog.open(dir, { blockTicks: 3, retentionMs: Infinity });
      const last = checkAll(log);
      const lastMax = last.get('process_max_fds')!;
      assert.ok(lastMax >= synced, `round ${round}: the last synced tick ${synced} was lost (kept up to ${lastMax})`);
      assert.ok(lastMax > expectedLast, `round ${round}: older rounds' data is still there and this round added some`);
      expectedLast = synced;
      log.dispose();
    }
  });
});
