import assert from 'node:assert/strict';
import { Metric } from '../../../src/core/model';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { BucketAggregate, MAX_TIERED_SCRAPED_SERIES, SeriesTiers, STORED_TIER_STEPS_MS, TierStore, TierWindow, addToBucket, emptyBucket, mergeBuckets, tierForRange } from '../../../src/core/store/tiers';
import { mulberry32 } from '../../../src/core/analyze/random';
import { heapUsedAfterGc } from '../helpers/heap';

/** Buckets of `step` recomputed from raw samples, the plain way: what a tier must equal exactly. */
function recompute(times: ArrayLike<number>, values: ArrayLike<number>, step: number, fromMs = -Infinity): Map<number, BucketAggregate> {
  const out = new Map<number, BucketAggregate>();
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    const v = values[i]!;
    const start = Math.floor(t / step) * step;
    if (!Number.isFinite(v) || start < Math.floor(fromMs / step) * step) continue;
    let b = out.get(start);
    if (!b) out.set(start, (b = emptyBucket()));
    // Independent of addToBucket: the minimum came first when its latest occurrence (strict) is not after the maximum's.
    if (b.count === 0) {
      b.min = b.max = b.sum = v;
      b.count = 1;
      b.minFirst = true;
      (b as BucketAggregate & { minAt: number; maxAt: number }).minAt = i;
      (b as BucketAggregate & { minAt: number; maxAt: number }).maxAt = i;
      continue;
    }
    const at = b as BucketAggregate & { minAt: number; maxAt: number };
    if (v < b.min) {
      b.min = v;
      at.minAt = i;
    }
    if (v > b.max) {
      b.max = v;
      at.maxAt = i;
    }
    b.minFirst = at.minAt <= at.maxAt;
    b.sum += v;
    b.count++;
  }
  return out;
}

function assertWindowEquals(w: TierWindow | undefined, expected: Map<number, BucketAggregate>, what: string): void {
  assert.ok(w, `${what}: no tier`);
  assert.deepEqual([...w.times], [...expected.keys()], `${what}: bucket times`);
  w.times.forEach((t, i) => {
    const e = expected.get(t)!;
    const got = { min: w.min[i], max: w.max[i], sum: w.sum[i], count: w.count[i], minFirst: w.minFirst[i] === 1 };
    assert.deepEqual(got, { min: e.min, max: e.max, sum: e.sum, count: e.count, minFirst: e.minFirst }, `${what}: bucket at ${t}`);
  });
}

describe('tiers (10 s and 1 min aggregates)', () => {
  it('every bucket equals a recomputation from the raw samples exactly: min, max, sum, count, mean and which extreme came first', () => {
    const rand = mulberry32(17);
    const store = new SeriesStore(100_000);
    const raw = new Map<string, { t: number[]; v: number[] }>();
    let t = 1_764_500_000_000 + 3_456; // not aligned to any step
    for (let tick = 0; tick < 5_000; tick++) {
      // Irregular ticks (a loaded machine), and a pause of several minutes now and then.
      t += tick % 1_700 === 1_699 ? 7 * 60_000 : 700 + Math.floor(rand() * 900);
      const samples = [];
      for (let s = 0; s < 6; s++) {
        if (s === 5 && tick % 13 < 4) continue; // a series absent from some ticks
        const v = s === 0 ? Math.round(rand() * 100) : s === 1 ? tick : (rand() - 0.5) * 10 ** (s - 2);
        samples.push({ name: s === 0 ? Metric.processCpuPercent : 'chat_x', labels: s === 0 ? {} : { s: String(s) }, value: v });
      }
      store.append(t, samples);
      for (const smp of samples) {
        const key = smp.name === 'chat_x' ? `chat_x{s="${smp.labels.s}"}` : smp.name;
        const r = raw.get(key) ?? { t: [], v: [] };
        r.t.push(t);
        r.v.push(smp.value);
        raw.set(key, r);
      }
    }
    assert.equal(store.seriesCount, 6);
    for (const [key, r] of raw) {
      for (const step of STORED_TIER_STEPS_MS) {
        const w = store.tierWindow(key, step, -Infinity, Infinity);
        assertWindowEquals(w, recompute(r.t, r.v, step), `${key} at ${step} ms`);
        // Means are sum / count: what the analyzer is given.
        const means = [...w!.sum].map((s, i) => s / w!.count[i]!);
        assert.ok(means.every((m, i) => m >= w!.min[i]! && m <= w!.max[i]!));
      }
    }
  });

  it('a sample goes into the tiers when it leaves the raw history: while the raw samples hold every tick the tiers hold no bucket (issue 17: they held the same hours twice)', () => {
    const store = new SeriesStore(2_000);
    const times: number[] = [];
    for (let t = 0; t < 1_500; t++) {
      const at = 1_764_500_000_000 + t * 1000;
      times.push(at);
      store.append(at, Array.from({ length: 40 }, (_, k) => ({ name: 'chat_x', labels: { k: String(k) }, value: (t * 7 + k) % 31 })));
    }
    assert.ok(store.tiers.stores.every((st) => st.oldestBucket !== st.oldestBucket), 'no stored bucket');
    assert.ok(store.tiers.usedBytes <= 40 * 4 * 2 * 29 * 2, `${store.tiers.usedBytes} B of tiers: their first columns only`);
    for (const step of STORED_TIER_STEPS_MS) {
      const key = 'chat_x{k="3"}';
      const w = store.tierWindow(key, step, -Infinity, Infinity);
      assertWindowEquals(w, recompute(times, times.map((_, t) => (t * 7 + 3) % 31), step), `read from the raw samples, ${step} ms`);
      const ring = store.tiers.ring(key, step)!;
      assert.equal(ring.oldestBucket, Math.floor(times[0]! / step));
      assert.equal(ring.newestBucket, Math.floor(times[times.length - 1]! / step));
    }
  });

  it('the rows a full ring overwrites, and the samples the budget cuts, go to the tiers: every bucket still equals a recomputation, a bucket half stored half raw too (seeded)', () => {
    for (let run = 0; run < 12; run++) {
      const rand = mulberry32(100 + run);
      const capacity = 37 + Math.floor(rand() * 200); // not a multiple of any step
      const store = new SeriesStore(capacity, 1000, run % 3 === 2 ? 24 * 1024 : Number.POSITIVE_INFINITY);
      const raw = new Map<string, { t: number[]; v: number[] }>();
      let t = 1_764_500_000_000 + Math.floor(rand() * 10_000);
      for (let tick = 0; tick < 1_200; tick++) {
        t += rand() < 0.01 ? 90_000 : 400 + Math.floor(rand() * 1200);
        const samples = [];
        for (let s = 0; s < 5; s++) {
          if (s === 4 && rand() < 0.2) continue; // moves to a ring of its own now and then
          const v = rand() < 0.02 ? Number.NaN : Math.round(rand() * 1000) / 10;
          samples.push({ name: s === 0 ? Metric.processCpuPercent : 'chat_x', labels: s === 0 ? {} : { s: String(s) }, value: v });
        }
        store.append(t, samples);
        for (const smp of samples) {
          const key = smp.name === 'chat_x' ? `chat_x{s="${smp.labels.s}"}` : smp.name;
          const r = raw.get(key) ?? { t: [], v: [] };
          r.t.push(t);
          r.v.push(smp.value);
          raw.set(key, r);
        }
      }
      assert.ok(store.tiers.stores.some((st) => st.oldestBucket === st.oldestBucket), `run ${run}: buckets stored`);
      for (const [key, r] of raw) {
        for (const step of STORED_TIER_STEPS_MS) {
          const w = store.tierWindow(key, step, -Infinity, Infinity)!;
          // Compare over what the tier still reaches (its span from its newest stored bucket).
          const from = w.times[0]!;
          assertWindowEquals(w, recompute(r.t, r.v, step, from), `run ${run} ${key} at ${step} ms`);
          const mid = r.t[Math.floor(r.t.length / 2)]!;
          const part = store.tierWindow(key, step, mid, mid + 5 * step)!;
          assertWindowEquals(part, new Map([...recompute(r.t, r.v, step, from)].filter(([b]) => b >= Math.floor(mid / step) * step && b <= mid + 5 * step)), `run ${run} ${key} part`);
        }
      }
    }
  });

  it('a window gives the buckets that hold [from, to], the first one even when it began before `from`', () => {
    const store = new SeriesStore(1000);
    for (let t = 0; t < 120_000; t += 1000) store.append(t, [{ name: 'x', labels: {}, value: t / 1000 }]);
    const w = store.tierWindow('x', 10_000, 25_000, 44_000)!;
    assert.deepEqual([...w.times], [20_000, 30_000, 40_000]);
    assert.deepEqual([...w.count], [10, 10, 10]);
    assert.deepEqual([...w.min], [20, 30, 40]);
    assert.equal(store.tierWindow('x', 60_000, -Infinity)!.times.length, 2);
    assert.equal(store.tierWindow('x', 30_000, -Infinity), undefined, 'only stored steps');
  });

  it('a tier keeps the last span of time, stopped or not: older buckets go, a pause longer than the span starts it again', () => {
    const store = new TierStore(10_000, 6, () => true, 2);
    const col = store.addColumn()!;
    for (let t = 0; t < 100_000; t += 1000) store.add(col, t, 1);
    assert.equal(store.oldestBucket, 4, 'six buckets: 40–100 s');
    assert.deepEqual([...store.window(col, -Infinity, Infinity).times], [40_000, 50_000, 60_000, 70_000, 80_000, 90_000]);
    store.add(col, 125_000, 5); // buckets 10, 11 empty: a pause
    assert.deepEqual([...store.window(col, -Infinity, Infinity).times], [70_000, 80_000, 90_000, 120_000]);
    store.add(col, 1_000_000, 7); // far beyond the span
    assert.deepEqual([...store.window(col, -Infinity, Infinity).times], [1_000_000]);
    store.add(col, 999_000, 9);
    assert.deepEqual([...store.window(col, -Infinity, Infinity).count], [1], 'a time before the newest bucket is not added to a bucket it does not belong to');
  });

  it('a ring that may not grow keeps its newest buckets', () => {
    let granted = 0;
    const tiers = new SeriesTiers((bytes) => (granted += bytes) <= 4_000);
    const info = { key: 'x', name: 'x', labels: {} };
    const col = tiers.columnOf('x', info)!;
    for (let t = 0; t < 3_600_000; t += 1000) for (const st of tiers.stores) st.add(col, t, t);
    const w = tiers.window('x', 10_000, -Infinity, Infinity)!;
    assert.ok(w.times.length < 360 && w.times.length >= 8, String(w.times.length));
    assert.equal(w.times[w.times.length - 1], 3_590_000, 'the newest bucket is kept');
    assert.ok(tiers.usedBytes <= 4_000);
  });

  it('a tiered series costs its buckets and no arrays of its own: under 250 bytes of heap a series beside them (10,000 series, both steps)', () => {
    const n = 10_000;
    const tiers = new SeriesTiers(() => true, STORED_TIER_STEPS_MS, undefined, n);
    // The series' own infos (the store's, not the tiers') are made before the count starts.
    const infos = Array.from({ length: n }, (_, i) => ({ key: `x${i}`, name: 'x', labels: {} }));
    const before = heapUsedAfterGc();
    for (let i = 0; i < n; i++) {
      const info = infos[i]!;
      const col = tiers.columnOf(info.key, info, false)!;
      for (const st of tiers.stores) st.add(col, 5_000, i);
    }
    const perSeries = (heapUsedAfterGc() - before) / n;
    assert.equal(tiers.series().length, n);
    assert.ok(tiers.usedBytes >= n * 2 * 29, 'the buckets are counted');
    // Measured: 58–90 bytes (its entry by key; 225–259 while the infos were counted too); with two rings of five typed arrays a series it was ~2,500.
    assert.ok(perSeries < 250, `${perSeries.toFixed(0)} bytes of heap a series`);
    assert.equal(infos.length, n);
  });

  it('every series of a step shares one store: its columns hold what a store of its own would, whatever the order series come, write and pause in (seeded)', () => {
    const rand = mulberry32(5);
    for (let run = 0; run < 40; run++) {
      const shared = new TierStore(10_000, 12, () => true, 1);
      const alone: { store: TierStore; col: number }[] = [];
      const cols: number[] = [];
      let t = 1_000_000 + Math.floor(rand() * 10_000);
      for (let tick = 0; tick < 400; tick++) {
        t += rand() < 0.02 ? Math.floor(rand() * 200_000) : 500 + Math.floor(rand() * 2000);
        if (cols.length < 6 && rand() < 0.05) {
          cols.push(shared.addColumn()!);
          const own = new TierStore(10_000, 12, () => true, 1);
          alone.push({ store: own, col: own.addColumn()! });
        }
        cols.forEach((c, k) => {
          if (rand() < 0.3) return; // this series misses the tick
          const v = Math.round(rand() * 100);
          shared.add(c, t, v);
          alone[k]!.store.add(alone[k]!.col, t, v);
        });
      }
      cols.forEach((c, k) => {
        const mine = alone[k]!.store.window(alone[k]!.col, -Infinity, Infinity);
        const got = shared.window(c, -Infinity, Infinity);
        // Each keeps the last span of its own newest bucket: compare where both reach.
        const from = Math.max(mine.times[0] ?? Infinity, shared.oldestBucket * 10_000);
        const keep = [...got.times].map((x, i) => (x >= from ? i : -1)).filter((i) => i >= 0);
        const mineKeep = [...mine.times].map((x, i) => (x >= from ? i : -1)).filter((i) => i >= 0);
        assert.ok(keep.length > 0 || mineKeep.length === 0);
        const cells = (w: TierWindow, idx: number[]): number[][] => idx.map((i) => [w.times[i]!, w.min[i]!, w.max[i]!, w.sum[i]!, w.count[i]!, w.minFirst[i]!]);
        assert.deepEqual(cells(got, keep), cells(mine, mineKeep), `run ${run} series ${k}`);
      });
    }
  });

  it('the tiers come out of the store budget and leave the raw samples most of it', () => {
    const budget = 256 * 1024;
    const s = new SeriesStore(3600, 1000, budget);
    for (let t = 0; t < 2000; t++) {
      const samples: { name: string; labels: Record<string, string>; value: number }[] = [{ name: Metric.processCpuPercent, labels: {}, value: t }];
      for (let k = 0; k < 40; k++) samples.push({ name: 'chat_room_users', labels: { room: String(k) }, value: t });
      s.append(t * 1000, samples);
      assert.ok(s.usedBytes + s.tiers.usedBytes <= budget, `tick ${t}`);
    }
    assert.ok(s.tiers.usedBytes > 0 && s.tiers.usedBytes <= s.usedBytes / 2, `${s.tiers.usedBytes} B of tiers, ${s.usedBytes} B raw`);
    assert.equal(s.length(Metric.processCpuPercent), 2000, 'the rules keep their whole raw history');
    assert.ok(s.length('chat_room_users{room="0"}') >= 400, 'the scraped series keep most of the rest');
  });

  it('scraped series beyond MAX_TIERED_SCRAPED_SERIES keep raw samples only; the own series always get tiers', () => {
    const s = new SeriesStore(60, 20_000, 64 * 1024 * 1024);
    const n = MAX_TIERED_SCRAPED_SERIES + 50;
    for (let t = 0; t < 3; t++) {
      const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
      for (let k = 0; k < n; k++) samples.push({ name: 'chat_room_users', labels: { room: String(k) }, value: k });
      samples.push({ name: Metric.processCpuPercent, labels: {}, value: t }); // after every scraped one
      s.append(t * 1000, samples);
    }
    const tiered = (key: string) => s.tierWindow(key, 10_000, -Infinity) !== undefined;
    assert.equal(s.tiers.series().length, MAX_TIERED_SCRAPED_SERIES + 1);
    assert.ok(tiered(`chat_room_users{room="${MAX_TIERED_SCRAPED_SERIES - 1}"}`));
    assert.ok(!tiered(`chat_room_users{room="${MAX_TIERED_SCRAPED_SERIES}"}`), 'the first series over the cap has no tiers');
    assert.equal(s.length(`chat_room_users{room="${n - 1}"}`), 3, 'but keeps its raw samples');
    assert.ok(tiered(Metric.processCpuPercent), 'an own series has tiers whatever came before it');
  });

  it('a bucket seen in two parts (one session closed it half way, the next went on) merges into the whole', () => {
    const values = [5, 1, 9, 3, 0.5, 12, 7];
    for (let cut = 0; cut <= values.length; cut++) {
      const whole = emptyBucket();
      const a = emptyBucket();
      const b = emptyBucket();
      values.forEach((v, i) => {
        addToBucket(whole, v);
        addToBucket(i < cut ? a : b, v);
      });
      const m = mergeBuckets(a, b);
      assert.deepEqual({ ...m, sum: Math.round(m.sum * 1e9) }, { ...whole, sum: Math.round(whole.sum * 1e9) }, `cut at ${cut}`);
    }
  });

  it('tiers read from disk, then the raw samples after them: the same buckets as appending everything', () => {
    const live = new SeriesStore(1000);
    const times: number[] = [];
    for (let t = 5_000; t < 600_000; t += 1000) {
      live.append(t, [{ name: 'x', labels: { a: '1' }, value: Math.sin(t) * 50 }]);
      times.push(t);
    }
    const key = 'x{a="1"}';
    const restored = new SeriesStore(60);
    // Disk holds the tiers up to 5 min; raw is read for the last 60 s only, and the minute before overlaps.
    for (const step of STORED_TIER_STEPS_MS) {
      const upTo = live.tierWindow(key, step, -Infinity, 299_999)!;
      restored.loadTiers(step, [{ name: 'x', labels: { a: '1' }, buckets: upTo }]);
    }
    const rawFrom = 240_000;
    const rt = times.filter((t) => t >= rawFrom);
    restored.load([{ name: 'x', labels: { a: '1' }, times: Float64Array.from(rt), values: Float64Array.from(rt.map((t) => Math.sin(t) * 50)) }]);
    for (const step of STORED_TIER_STEPS_MS) {
      const want = live.tierWindow(key, step, -Infinity, Infinity)!;
      const got = restored.tierWindow(key, step, -Infinity, Infinity)!;
      assert.deepEqual(got, want, `step ${step}`);
    }
    assert.equal(restored.length(key), 60, 'raw holds its capacity; the tiers reach further');
  });

  it('chooses the tier by the range: raw while the raw history covers it and fits, then the finest tier that fits', () => {
    const hour = 3_600_000;
    const now = 10 * 24 * hour;
    const rawFrom = now - hour;
    assert.equal(tierForRange(15 * 60_000, 1000, 1000, rawFrom, now - 15 * 60_000), 0, '15 min of 1 s ticks on 1000 px');
    assert.equal(tierForRange(hour, 1000, 1000, rawFrom, now - hour), 10_000, 'an hour is 3600 ticks: 360 buckets of 10 s');
    assert.equal(tierForRange(hour, 1000, 4000, rawFrom, now - hour), 0, 'an hour fits 4000 points raw');
    assert.equal(tierForRange(2 * hour, 1000, 4000, rawFrom, now - 2 * hour), 10_000, 'older than the raw history: a tier');
    assert.equal(tierForRange(6 * hour, 1000, 1000, rawFrom, now - 6 * hour), 60_000);
    assert.equal(tierForRange(24 * hour, 1000, 1000, rawFrom, now - 24 * hour), 60_000, 'the coarsest when none fits');
  });
});
