/**
 * Tiers on disk: a record of consecutive buckets of one step for the series of a
 * block (historyLog.ts writes one a step when the blocks it wrote completed a batch of
 * buckets; the buckets after the newest written are aggregated from the raw samples
 * by readers, and by the next session's writer, which goes on from there. Logs of
 * earlier builds also hold a bucket written in two parts — a reader merges them).
 *
 * Layout (integers unsigned LEB128): step ms, first bucket (index since the epoch),
 * buckets, series, their ids; per series: per bucket count × 2 + (minimum first ? 1 : 0),
 * then its minimum, maximum and sum columns (blockCodec's column encodings, NaN in
 * empty buckets).
 */
import { decodeColumn, encodeColumn, skipColumn } from './blockCodec';
import { ByteSink, ByteSource } from './byteStream';
import { BucketAggregate, addToBucket, bucketOf, emptyBucket } from './tiers';

/** One series' aggregates over a tier block's buckets (count 0 = no sample in that bucket). */
export interface TierColumns {
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly sum: Float64Array;
  readonly count: Uint32Array;
  readonly minFirst: Uint8Array;
}

export interface TierBlock {
  readonly stepMs: number;
  /** Bucket index (since the epoch, in steps) of the first bucket. */
  readonly firstBucket: number;
  readonly buckets: number;
  /** Series id → its aggregates. */
  readonly columns: ReadonlyMap<number, TierColumns>;
}

export function encodeTierBlock(b: TierBlock): Uint8Array {
  const out = new ByteSink();
  out.varint(b.stepMs);
  out.varint(b.firstBucket);
  out.varint(b.buckets);
  out.varint(b.columns.size);
  for (const id of b.columns.keys()) out.varint(id);
  for (const c of b.columns.values()) {
    for (let i = 0; i < b.buckets; i++) out.varint(c.count[i]! * 2 + (c.minFirst[i] ? 1 : 0));
    encodeColumn(out, c.min);
    encodeColumn(out, c.max);
    encodeColumn(out, c.sum);
  }
  return out.bytes();
}

/** Decodes a tier block; `wanted` (ids) skips the other series' columns. */
export function decodeTierBlock(bytes: Uint8Array, wanted?: ReadonlySet<number>): TierBlock {
  const src = new ByteSource(bytes);
  const stepMs = src.varint();
  const firstBucket = src.varint();
  const buckets = src.varint();
  const n = src.varint();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(src.varint());
  const columns = new Map<number, TierColumns>();
  for (const id of ids) {
    const keep = !wanted || wanted.has(id);
    const count = new Uint32Array(keep ? buckets : 0);
    const minFirst = new Uint8Array(keep ? buckets : 0);
    for (let i = 0; i < buckets; i++) {
      const v = src.varint();
      if (keep) {
        count[i] = Math.floor(v / 2);
        minFirst[i] = v & 1;
      }
    }
    if (!keep) {
      skipColumn(src);
      skipColumn(src);
      skipColumn(src);
      continue;
    }
    const min = decodeColumn(src, buckets, new Float64Array(buckets));
    const max = decodeColumn(src, buckets, new Float64Array(buckets));
    const sum = decodeColumn(src, buckets, new Float64Array(buckets));
    columns.set(id, { min, max, sum, count, minFirst });
  }
  return { stepMs, firstBucket, buckets, columns };
}

/**
 * Aggregates the blocks of ticks the log writes into buckets of one step, the same
 * way the store's tiers do (addToBucket, in time order): what a block completes is
 * written with it, the open bucket is carried to the next block.
 */
export class TierAccumulator {
  private openBucket = Number.NaN;
  private open = new Map<number, BucketAggregate>();
  private done: { bucket: number; aggs: Map<number, BucketAggregate> }[] = [];

  constructor(
    readonly stepMs: number,
    /** Completed buckets held back until there are this many (a closing log writes none: the next session completes them from the raw samples). */
    private readonly batch = 1,
  ) {}

  /** Adds a block's ticks (columns: id → values on `times`, NaN = absent); returns the batches of buckets completed, if any. */
  addBlock(times: Float64Array, columns: ReadonlyMap<number, Float64Array>): TierBlock[] {
    const cols = [...columns];
    for (let i = 0; i < times.length; i++) {
      const b = bucketOf(times[i]!, this.stepMs);
      if (b !== this.openBucket) {
        this.close();
        this.openBucket = b;
      }
      for (const [id, values] of cols) {
        const v = values[i]!;
        if (!Number.isFinite(v)) continue;
        let agg = this.open.get(id);
        if (!agg) this.open.set(id, (agg = emptyBucket()));
        addToBucket(agg, v);
      }
    }
    return this.done.length >= this.batch ? this.take() : [];
  }

  /**
   * Starts the accumulator where the tiers on disk end (a new session, or after a crash):
   * `series` are the raw samples on disk after the newest bucket written (id, times
   * ascending, NaN = absent), `newestMs` the newest tick on disk. Its bucket stays open
   * (the next ticks may still fall in it); the older ones are completed, and written
   * with the next batch, so no bucket is lost or written twice across sessions.
   */
  seed(series: Iterable<{ readonly id: number; readonly times: ArrayLike<number>; readonly values: ArrayLike<number> }>, newestMs: number): void {
    const open = bucketOf(newestMs, this.stepMs);
    const byBucket = new Map<number, Map<number, BucketAggregate>>();
    for (const { id, times, values } of series) {
      for (let i = 0; i < times.length; i++) {
        const v = values[i]!;
        if (!Number.isFinite(v)) continue;
        const b = bucketOf(times[i]!, this.stepMs);
        let aggs = byBucket.get(b);
        if (!aggs) byBucket.set(b, (aggs = new Map()));
        let agg = aggs.get(id);
        if (!agg) aggs.set(id, (agg = emptyBucket()));
        addToBucket(agg, v);
      }
    }
    for (const b of [...byBucket.keys()].sort((x, y) => x - y)) {
      if (b < open) this.done.push({ bucket: b, aggs: byBucket.get(b)! });
    }
    this.openBucket = open;
    this.open = byBucket.get(open) ?? new Map();
  }

  private close(): void {
    if (this.open.size > 0) {
      this.done.push({ bucket: this.openBucket, aggs: this.open });
      this.open = new Map();
    }
  }

  /** The completed buckets, a record for each run of them (a pause longer than a batch starts another). */
  private take(): TierBlock[] {
    const done = this.done;
    this.done = [];
    const out: TierBlock[] = [];
    let from = 0;
    for (let i = 1; i <= done.length; i++) {
      if (i === done.length || done[i]!.bucket - done[i - 1]!.bucket > this.batch) {
        out.push(this.record(done.slice(from, i)));
        from = i;
      }
    }
    return out;
  }

  private record(done: readonly { bucket: number; aggs: Map<number, BucketAggregate> }[]): TierBlock {
    const first = done[0]!.bucket;
    const buckets = done[done.length - 1]!.bucket - first + 1;
    const columns = new Map<number, TierColumns>();
    for (const { bucket, aggs } of done) {
      const i = bucket - first;
      for (const [id, a] of aggs) {
        let c = columns.get(id);
        if (!c) {
          c = {
            min: new Float64Array(buckets).fill(NaN),
            max: new Float64Array(buckets).fill(NaN),
            sum: new Float64Array(buckets).fill(NaN),
            count: new Uint32Array(buckets),
            minFirst: new Uint8Array(buckets),
          };
          columns.set(id, c);
        }
        c.min[i] = a.min;
        c.max[i] = a.max;
        c.sum[i] = a.sum;
        c.count[i] = a.count;
        c.minFirst[i] = a.minFirst ? 1 : 0;
      }
    }
    return { stepMs: this.stepMs, firstBucket: first, buckets, columns };
  }
}

/** A tier record's step, first bucket and where its last bucket ends (ms), from its first three fields. */
export function tierBlockEnd(bytes: Uint8Array): { stepMs: number; firstBucket: number; endMs: number } {
  const src = new ByteSource(bytes);
  const stepMs = src.varint();
  const firstBucket = src.varint();
  const buckets = src.varint();
  return { stepMs, firstBucket, endMs: (firstBucket + buckets) * stepMs };
}
