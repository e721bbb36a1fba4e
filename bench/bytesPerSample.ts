/**
 * Bytes per stored sample: the heap (plus ArrayBuffer backing stores, where typed
 * arrays keep their data) grown by a million samples in the SeriesStore, after a
 * forced GC (node --expose-gc). Comparison: the obvious JS structure, an array of
 * {timeMs, value} objects per series.
 */
import { Sample } from '../src/core/model';
import { RESIZABLE_SLAB_MIN_COLUMNS } from '../src/core/store/ringBuffer';
import { SeriesStore } from '../src/core/store/seriesStore';
import { TIER_BUCKET_BYTES } from '../src/core/store/tiers';
import { BenchContext, BenchRow } from './lib/row';

function usedBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    throw new Error('global.gc is missing: run this benchmark with node --expose-gc (npm run bench does).');
  }
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const seriesCount = ctx.smoke ? 10 : 100;
  const ticks = ctx.smoke ? 100 : 10_000;
  const total = seriesCount * ticks;
  const names = Array.from({ length: seriesCount }, (_, i) => ({ name: `chat_room_users`, labels: { room: `room-${i}` } }));
  const t0 = Date.UTC(2026, 0, 1);

  const before = usedBytes();
  const store = new SeriesStore(ticks, seriesCount + 10);
  for (let t = 0; t < ticks; t++) {
    const samples: Sample[] = names.map((s, i) => ({ name: s.name, labels: s.labels, value: (t * 7 + i) % 100 }));
    store.append(t0 + t * 1000, samples);
  }
  // Every byte the store holds is counted here: its one ring of 100 columns keeps its slab
  // in pages of plain ArrayBuffers. (A ring of RESIZABLE_SLAB_MIN_COLUMNS or more keeps
  // one resizable buffer, which Node 20 leaves out of memoryUsage().arrayBuffers.)
  if (seriesCount >= RESIZABLE_SLAB_MIN_COLUMNS) throw new Error('this row counts plain buffers only: keep its ring under RESIZABLE_SLAB_MIN_COLUMNS columns');
  const oursBytes = (usedBytes() - before) / total;
  const kept = store.seriesCount;

  // The same series with room for one sample each: the fixed cost of a series (key,
  // labels, map entries, the ring's objects), which the million samples amortise.
  const before1 = usedBytes();
  const tiny = new SeriesStore(1, seriesCount + 10);
  tiny.append(t0, names.map((s) => ({ name: s.name, labels: s.labels, value: 1 })));
  const fixedPerSeries = (usedBytes() - before1) / seriesCount - 8;
  const marginal = (oursBytes * total - fixedPerSeries * seriesCount) / total;
  const tinyKept = tiny.seriesCount;

  const before2 = usedBytes();
  const naive = new Map<string, { timeMs: number; value: number }[]>();
  for (let t = 0; t < ticks; t++) {
    for (let i = 0; i < seriesCount; i++) {
      const key = `chat_room_users{room="room-${i}"}`;
      let list = naive.get(key);
      if (!list) {
        list = [];
        naive.set(key, list);
      }
      // Values that are not small integers, so V8 cannot store them unboxed as Smis.
      list.push({ timeMs: t0 + t * 1000, value: ((t * 7 + i) % 100) + 0.5 });
    }
  }
  const naiveBytes = (usedBytes() - before2) / total;
  const naiveKept = naive.size;

  return [
    {
      id: 'store.bytesPerSample',
      figure: `bytes per stored sample (${total.toLocaleString('en')} samples, ${seriesCount} series)`,
      ours: { value: oursBytes, unit: 'B', what: 'SeriesStore' },
      comparison: { label: 'array of {timeMs, value}', value: naiveBytes, unit: 'B' },
      ratio: naiveBytes / oursBytes,
      ratioMeaning: 'theirs ÷ ours',
      budget: { text: '≤ 9 B', holds: oursBytes <= 9 },
      note: `heap + ArrayBuffers after GC ÷ samples, everything the store holds counted: the raw samples, and the 10 s and 1 min tiers (${(store.tiers.usedBytes / 1024).toFixed(0)} KiB here: a sample goes into them when it leaves the raw history, which holds all ${ticks.toLocaleString('en')} ticks; each hour past it costs a tiered series ${TIER_BUCKET_BYTES} B × (360 + 60) buckets); per series a fixed ${fixedPerSeries.toFixed(0)} B, then ${marginal.toFixed(2)} B a sample.`,
      raw: {
        samples: total,
        seriesCount,
        ticks,
        oursBytesPerSample: oursBytes,
        fixedBytesPerSeries: fixedPerSeries,
        marginalBytesPerSample: marginal,
        storeUsedBytes: store.usedBytes,
        tierBytes: store.tiers.usedBytes,
        naiveBytesPerSample: naiveBytes,
        seriesKept: [kept, tinyKept, naiveKept],
      },
    },
  ];
}
