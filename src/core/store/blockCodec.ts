/**
 * One block of history: the ticks of one source over a stretch of time, with the
 * timestamps written once for every series in it (the series of one source are
 * sampled on the same ticks, so a per-series time column would repeat them).
 * A series absent from a tick holds NaN there; the collector never stores NaN as a
 * value (it drops non-finite ones), so NaN unambiguously means "no sample".
 *
 * Layout (all integers unsigned LEB128):
 *   ticks, series, then per series: its id; the timestamp stream's byte length and
 *   bytes; per series: its value stream.
 * Format 1 (read only, older files): a value stream is its byte length and Gorilla
 * XOR bytes. Format 2 (written): a value stream starts with its encoding — Gorilla
 * XOR, absent throughout (no bytes), or scaled decimal integers (decimalColumn.ts) —
 * whichever is smallest for that column in that block.
 * Streams are byte-aligned so a reader can skip a series it does not want.
 */
import { BitReader } from './bits';
import { ByteSink, ByteSource } from './byteStream';
import { decodeDecimalColumn, encodeDecimalColumn } from './decimalColumn';
import { decodeTimestamps, decodeValues, encodeTimestamps, encodeValues } from './gorilla';

export interface Block {
  readonly times: Float64Array;
  /** Series id → values on `times` (NaN = no sample in that tick). */
  readonly columns: ReadonlyMap<number, Float64Array>;
}

export type BlockFormat = 1 | 2;

const enum ColumnEncoding {
  Xor = 0,
  Absent = 1,
  Decimal = 2,
}

export function encodeBlock(block: Block, format: BlockFormat = 2): Uint8Array {
  const out = new ByteSink();
  out.varint(block.times.length);
  out.varint(block.columns.size);
  for (const id of block.columns.keys()) {
    out.varint(id);
  }
  out.bytesWithLength(encodeTimestamps(block.times).bytes());
  for (const values of block.columns.values()) {
    if (values.length !== block.times.length) {
      throw new RangeError(`a column has ${values.length} values for ${block.times.length} ticks`);
    }
    if (format === 1) {
      out.bytesWithLength(encodeValues(values).bytes());
    } else {
      encodeColumn(out, values);
    }
  }
  return out.bytes();
}

/**
 * Writes one column of values (NaN = absent) in the smallest of the block format's
 * encodings; also the tiers' columns (historyLog.ts).
 */
export function encodeColumn(out: ByteSink, values: Float64Array): void {
  let absent = true;
  for (let i = 0; i < values.length && absent; i++) {
    absent = Number.isNaN(values[i]!);
  }
  if (absent) {
    out.varint(ColumnEncoding.Absent);
    return;
  }
  const xor = encodeValues(values).bytes();
  const decimal = encodeDecimalColumn(values);
  if (decimal && decimal.length < xor.length) {
    out.varint(ColumnEncoding.Decimal);
    out.bytesWithLength(decimal);
  } else {
    out.varint(ColumnEncoding.Xor);
    out.bytesWithLength(xor);
  }
}

/**
 * Decodes a block; `wanted` (ids) skips the value streams of the other series, and a
 * block entirely outside [fromMs, toMs] is skipped after its timestamps (undefined).
 */
export function decodeBlock(bytes: Uint8Array, wanted?: ReadonlySet<number>, fromMs = -Infinity, toMs = Infinity, format: BlockFormat = 2): Block | undefined {
  const src = new ByteSource(bytes);
  const ticks = src.varint();
  const n = src.varint();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(src.varint());
  }
  const times = decodeTimestamps(new BitReader(src.bytesWithLength()), ticks);
  if (ticks > 0 && (times[ticks - 1]! < fromMs || times[0]! > toMs)) {
    return undefined;
  }
  const columns = new Map<number, Float64Array>();
  // One allocation for every column of the block (views into it): a read decodes thousands of blocks.
  const arena = new Float64Array(ticks * (wanted ? Math.min(wanted.size, n) : n));
  let next = 0;
  const slot = (): Float64Array<ArrayBuffer> => arena.subarray(ticks * next, ticks * ++next);
  for (const id of ids) {
    if (format === 1) {
      const stream = src.bytesWithLength();
      if (!wanted || wanted.has(id)) {
        columns.set(id, decodeValues(new BitReader(stream), ticks, slot()));
      }
    } else if (!wanted || wanted.has(id)) {
      columns.set(id, decodeColumn(src, ticks, slot()));
    } else {
      skipColumn(src);
    }
  }
  return { times, columns };
}

/** Reads a column written by encodeColumn into `out` (`count` values). */
export function decodeColumn(src: ByteSource, count: number, out: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const encoding = src.varint();
  if (encoding === ColumnEncoding.Absent) {
    return out.fill(NaN);
  }
  const stream = src.bytesWithLength();
  if (encoding === ColumnEncoding.Xor) {
    decodeValues(new BitReader(stream), count, out);
  } else if (encoding === ColumnEncoding.Decimal) {
    decodeDecimalColumn(stream, count, out);
  } else {
    throw new RangeError(`unknown column encoding ${encoding}`);
  }
  return out;
}

/** Steps over a column written by encodeColumn. */
export function skipColumn(src: ByteSource): void {
  if (src.varint() !== ColumnEncoding.Absent) {
    src.bytesWithLength();
  }
}
