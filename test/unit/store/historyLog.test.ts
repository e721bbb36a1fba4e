import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { HistoryLog } from '../../../src/core/store/historyLog';
import { Sample } from '../../../src/core/model';
import { PERSISTED_TIER_STEPS_MS, TierWindow, addToBucket, emptyBucket, BucketAggregate } from '../../../src/core/store/tiers';
import { SeriesStore } from '../../../src/core/store/seriesStore';

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
  checkTiers(log);
  return lastOf;
}

/** The buckets of `step` recomputed from the raw samples on disk. */
function bucketsFromRaw(times: Float64Array, values: Float64Array, step: number): Map<number, BucketAggregate> {
  const out = new Map<number, BucketAggregate>();
  for (let i = 0; i < times.length; i++) {
    const b = Math.floor(times[i]! / step) * step;
    let agg = out.get(b);
    if (!agg) out.set(b, (agg = emptyBucket()));
    addToBucket(agg, values[i]!);
  }
  return out;
}

/**
 * Every tier bucket read equals the recomputation from the raw samples on disk, exactly
 * (none torn, none made up) — but for a series' newest bucket, which a live writer has
 * not completed on disk, and buckets older than the raw samples retention left — and
 * every bucket of the raw samples is there (none lost between sessions or in a crash).
 * `sumTolerance`: relative, for buckets written in two parts (two partial sums added).
 */
function checkTiers(log: HistoryLog, sumTolerance = 0): number {
  const raw = log.read(-Infinity, Infinity);
  let checked = 0;
  for (const step of PERSISTED_TIER_STEPS_MS) {
    const tiers = log.readTiers(step, -Infinity, Infinity);
    for (const [key, r] of raw) {
      const have = new Set(tiers.get(key)?.buckets.times ?? []);
      for (const b of bucketsFromRaw(r.times, r.values, step).keys()) assert.ok(have.has(b), `${key} @${step}: the bucket at ${b} is missing`);
    }
    for (const [key, h] of tiers) {
      const r = raw.get(key);
      assert.ok(r, `${key}: tiers without samples`);
      const want = bucketsFromRaw(r.times, r.values, step);
      const w: TierWindow = h.buckets;
      for (let i = 0; i < w.times.length; i++) {
        const e = want.get(w.times[i]!);
        if (w.times[i]! < r.times[0]! || (i === w.times.length - 1 && e && w.count[i]! < e.count)) {
          continue;
        }
        assert.ok(e, `${key} @${step}: a bucket at ${w.times[i]} with no samples`);
        const got = { min: w.min[i], max: w.max[i], sum: w.sum[i]!, count: w.count[i], minFirst: w.minFirst[i] === 1 };
        if (sumTolerance > 0 && Math.abs(got.sum - e.sum) <= sumTolerance * Math.max(1, Math.abs(e.sum))) {
          got.sum = e.sum;
        }
        assert.deepEqual(got, { ...e }, `${key} @${step}: bucket at ${w.times[i]}`);
        checked++;
      }
    }
  }
  return checked;
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

  it('writes the 1 min tier with its blocks (thirty buckets a record): read back it is the store\'s tier of the same ticks, exactly, even the bucket a session closed half way', () => {
    const dir = newDir();
    const store = new SeriesStore(100_000);
    const t0 = 1_800_000_000_000 + 4_321;
    const opts = { blockTicks: 60, segmentBytes: 20_000, retentionMs: Infinity };
    let { log } = HistoryLog.open(dir, opts, () => t0);
    let t = t0;
    for (let i = 0; i < 2 * 3600; i++) {
      t += 900 + ((i * 37) % 250); // irregular ticks
      if (i === 3 * 1000 + 17) {
        // "Reload Window" in the middle of a minute: the log closes, the next session goes on.
        log.dispose();
        ({ log } = HistoryLog.open(dir, opts, () => t));
      }
      const samples = samplesAt(t).filter((_, s) => s !== 2 || i % 5 !== 0);
      log.append(t, samples);
      store.append(t, samples);
    }
    log.dispose();
    ({ log } = HistoryLog.open(dir, { ...opts, readOnly: true }));
    assert.ok(checkTiers(log) > 4 * 110, 'every bucket equals its recomputation from the raw samples');
    assert.equal(log.readTiers(10_000, -Infinity, Infinity).size, 0, 'the 10 s tier is not written (it is rebuilt from the raw samples)');
    for (const step of PERSISTED_TIER_STEPS_MS) {
      const disk = log.readTiers(step, -Infinity, Infinity);
      assert.equal(disk.size, 4);
      for (const [key, h] of disk) {
        const mem = store.tierWindow(key, step, -Infinity, Infinity)!;
        assert.deepEqual([...h.buckets.times], [...mem.times], `${key} @${step}: the same buckets as in memory`);
        assert.deepEqual([...h.buckets.count], [...mem.count]);
        assert.deepEqual([...h.buckets.min], [...mem.min]);
        assert.deepEqual([...h.buckets.max], [...mem.max]);
        assert.deepEqual([...h.buckets.minFirst], [...mem.minFirst]);
        // The next session took up the bucket the first one closed in (not a sum of two partial sums).
        assert.deepEqual([...h.buckets.sum], [...mem.sum]);
      }
      const window = log.readTiers(step, t0 + 600_000, t0 + 1_200_000, (name) => name === 'chat_messages_total');
      assert.deepEqual([...window.keys()], ['chat_messages_total']);
      const w = window.get('chat_messages_total')!.buckets;
      assert.equal(w.times[0], Math.floor((t0 + 600_000) / step) * step);
      assert.ok(w.times[w.times.length - 1]! <= t0 + 1_200_000);
    }
    log.dispose();
  });

  it('a close writes no tier record: the next session writes the buckets it left with its first batch, and readers aggregate the rest from the raw samples', () => {
    const dir = newDir();
    const step = PERSISTED_TIER_STEPS_MS[0]!;
    const t0 = 1_800_000_000_000 + 30_000;
    const opts = { blockTicks: 60, retentionMs: Infinity };
    const store = new SeriesStore(100_000);
    let t = t0;
    const session = (seconds: number): void => {
      const { log } = HistoryLog.open(dir, opts, () => t);
      for (let i = 0; i < seconds; i++) {
        t += 1000;
        log.append(t, samplesAt(t));
        store.append(t, samplesAt(t));
      }
      log.dispose();
    };
    const persistedEnd = (): number => {
      const { log } = HistoryLog.open(dir, { ...opts, readOnly: true });
      const end = log.tierTailFromMs(step);
      const checked = checkTiers(log);
      for (const [key, h] of log.readTiers(step, -Infinity, Infinity)) {
        const mem = store.tierWindow(key, step, -Infinity, Infinity)!;
        assert.deepEqual([...h.buckets.times], [...mem.times], key);
        assert.deepEqual([...h.buckets.sum], [...mem.sum], key);
        assert.deepEqual([...h.buckets.count], [...mem.count], key);
      }
      log.dispose();
      assert.ok(checked >= 4 * 5);
      return end;
    };
    session(5 * 60);
    assert.ok(persistedEnd() < t0, 'five minutes closed: no tier record, the tiers read come from the raw samples');
    session(30 * 60);
    const firstBucket = Math.floor((t0 + 1000) / step) * step;
    assert.ok(persistedEnd() >= firstBucket + 30 * step, 'the second session wrote the first one\'s buckets in its first batch');
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
    // A tick a minute: the seventh block completes a batch of 1 min buckets, written after it.
    const minute = 60_000;
    for (let i = 0; i < 35; i++) {
      log.append(i * minute, samplesAt(i * minute));
    }
    log.dispose();
    const [seg] = fs.readdirSync(dir).filter((f) => f.endsWith('.crmh'));
    const file = path.join(dir, seg!);
    const whole = fs.readFileSync(file);
    // From the end: the tier record, then the last block. Cut at every byte back into the
    // last block: each reopen keeps exactly the records before the cut.
    const kept: number[] = [];
    for (let cut = whole.length - 1; kept.filter((k) => k === 29 * minute).length < 20; cut--) {
      fs.writeFileSync(file, whole.subarray(0, cut));
      const { log: again, recovery } = HistoryLog.open(dir, { blockTicks: 5, retentionMs: Infinity });
      // A cut at a record's end leaves a whole file (nothing to say); anywhere else one torn record.
      assert.ok(recovery.problems.length <= 1, recovery.problems.join());
      assert.match(recovery.problems[0] ?? 'cut short', /cut short|checksum/);
      const last = checkAll(again).get('process_max_fds')!;
      assert.ok(last === 34 * minute || last === 29 * minute, `cut at ${cut}: kept up to ${last}`);
      assert.ok(kept.length === 0 || last <= kept[kept.length - 1]!, 'a shorter file never keeps more');
      kept.push(last);
      again.dispose();
      fs.rmSync(dir, { recursive: true });
      fs.mkdirSync(dir);
    }
    assert.ok(kept.includes(34 * minute), 'cuts in the tier record keep every block');
    // A flipped byte inside the last record fails its checksum.
    const flipped = Buffer.from(whole);
    flipped[whole.length - 3] = flipped[whole.length - 3]! ^ 0x40;
    fs.writeFileSync(file, flipped);
    const { log: again, recovery } = HistoryLog.open(dir, { blockTicks: 5, retentionMs: Infinity });
    assert.match(recovery.problems.join(), /checksum/);
    assert.equal(checkAll(again).get('process_max_fds'), 34 * minute);
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
