/**
 * One block of history: the ticks of one source over a stretch of time, with the
 * timestamps written once for every series in it (the series of one source are
 * sampled on the same ticks, so a per-series time column would repeat them).
 * A series absent from a tick holds NaN there; the collector never stores NaN as a
 * value (it drops non-finite ones), so NaN unambiguously means "no sample".
 *
 * Layout (all integers unsigned LEB128):
 *   ticks, series, then per series: its id; the timestamp stream's byte length and
 *   bytes; per series: the value stream's byte length and bytes.
 * Streams are byte-aligned so a reader can skip a series it does not want.
 */
import { BitReader } from './bits';
import { decodeTimestamps, decodeValues, encodeTimestamps, encodeValues } from './gorilla';

export interface Block {
  readonly times: Float64Array;
  /** Series id → values on `times` (NaN = no sample in that tick). */
  readonly columns: ReadonlyMap<number, Float64Array>;
}

export function encodeBlock(block: Block): Uint8Array {
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
    out.bytesWithLength(encodeValues(values).bytes());
  }
  return out.bytes();
}

/**
 * Decodes a block; `wanted` (ids) skips the value streams of the other series, and a
 * block entirely outside [fromMs, toMs] is skipped after its timestamps (undefined).
 */
export function decodeBlock(bytes: Uint8Array, wanted?: ReadonlySet<number>, fromMs = -Infinity, toMs = Infinity): Block | undefined {
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
  for (const id of ids) {
    const stream = src.bytesWithLength();
    if (!wanted || wanted.has(id)) {
      columns.set(id, decodeValues(new BitReader(stream), ticks));
    }
  }
  return { times, columns };
}

/** A growing byte buffer with LEB128 integers. */
export class ByteSink {
  private buf = new Uint8Array(256);
  private len = 0;

  varint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new RangeError(`not a non-negative integer: ${v}`);
    }
    this.reserve(8);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  bytesWithLength(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.raw(bytes);
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) {
      return;
    }
    let size = this.buf.length * 2;
    while (size < this.len + n) {
      size *= 2;
    }
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

export class ByteSource {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  varint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.buf.length) {
        throw new RangeError('block ends inside a number');
      }
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) {
        return v;
      }
      scale *= 0x80;
    }
    throw new RangeError('number longer than 8 bytes');
  }

  bytesWithLength(): Uint8Array {
    const n = this.varint();
    if (n > this.remaining) {
      throw new RangeError(`block ends: ${n} bytes wanted, ${this.remaining} left`);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
