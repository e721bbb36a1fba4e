/**
 * The two encodings of Facebook's Gorilla (Pelkonen et al., VLDB 2015, §4.1),
 * which the Prometheus TSDB also uses for its chunks:
 *
 * - timestamps as delta-of-delta: a sampler on a fixed grid produces the same delta
 *   tick after tick, so most timestamps cost one bit;
 * - values XOR-ed with the previous one: an unchanged value costs one bit, and a
 *   changed one only its meaningful bits, reusing the previous leading/trailing
 *   zero window when the new bits fit inside it.
 *
 * Both are lossless. Timestamps are whole milliseconds; the delta-of-delta buckets
 * are the paper's, widened from seconds to milliseconds (7/9/12 bits, then 32),
 * with a 64-bit escape for anything larger so no input is refused.
 */
import { BitReader, BitWriter } from './bits';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Index of the high and low 32-bit halves of a float64 on this machine's byte order. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** Writes a signed integer in [-(2^(n-1)), 2^(n-1)) as n bits of two's complement. */
function writeSigned(w: BitWriter, v: number, n: number): void {
  w.write(v < 0 ? v + 2 ** n : v, n);
}

function readSigned(r: BitReader, n: number): number {
  const u = r.read(n);
  return u >= 2 ** (n - 1) ? u - 2 ** n : u;
}

/** A 53-bit-safe integer as a 64-bit two's complement word in two halves. */
function writeInt64(w: BitWriter, v: number): void {
  const neg = v < 0;
  const mag = Math.abs(v);
  let hi = Math.floor(mag / 2 ** 32);
  let lo = mag % 2 ** 32;
  if (neg) {
    // Two's complement of (hi, lo): invert and add one.
    lo = (~lo >>> 0) + 1;
    hi = ~hi >>> 0;
    if (lo === 2 ** 32) {
      lo = 0;
      hi = (hi + 1) >>> 0;
    }
  }
  w.write(hi, 32);
  w.write(lo, 32);
}

function readInt64(r: BitReader): number {
  const hi = r.read(32);
  const lo = r.read(32);
  if (hi >= 2 ** 31) {
    // Negative: value = -(2^64 - (hi, lo)).
    return -((2 ** 32 - 1 - hi) * 2 ** 32 + (2 ** 32 - lo));
  }
  return hi * 2 ** 32 + lo;
}

/** Delta-of-delta buckets: (prefix bits, prefix length, payload bits). */
const DOD_BUCKETS: readonly (readonly [number, number, number])[] = [
  [0b10, 2, 7],
  [0b110, 3, 9],
  [0b1110, 4, 12],
  [0b11110, 5, 32],
];

/**
 * Encodes strictly increasing whole-millisecond timestamps. The first is written
 * in full (64 bits), the second as a delta, the rest as delta-of-delta.
 */
export function encodeTimestamps(times: ArrayLike<number>, w = new BitWriter()): BitWriter {
  let prev = 0;
  let prevDelta = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (!Number.isSafeInteger(t)) {
      throw new RangeError(`timestamp ${t} is not a whole number of milliseconds`);
    }
    if (i === 0) {
      writeInt64(w, t);
    } else {
      const delta = t - prev;
      const dod = delta - prevDelta;
      writeDod(w, i === 1 ? delta : dod);
      prevDelta = delta;
    }
    prev = t;
  }
  return w;
}

function writeDod(w: BitWriter, dod: number): void {
  if (dod === 0) {
    w.writeBit(0);
    return;
  }
  for (const [prefix, prefixBits, bits] of DOD_BUCKETS) {
    const half = 2 ** (bits - 1);
    if (dod >= -half && dod < half) {
      w.write(prefix, prefixBits);
      writeSigned(w, dod, bits);
      return;
    }
  }
  w.write(0b11111, 5);
  writeInt64(w, dod);
}

function readDod(r: BitReader): number {
  if (r.readBit() === 0) {
    return 0;
  }
  for (const [, , bits] of DOD_BUCKETS) {
    if (r.readBit() === 0) {
      return readSigned(r, bits);
    }
  }
  return readInt64(r);
}

export function decodeTimestamps(r: BitReader, count: number, out = new Float64Array(count)): Float64Array {
  let prev = 0;
  let delta = 0;
  for (let i = 0; i < count; i++) {
    if (i === 0) {
      prev = readInt64(r);
    } else {
      const d = readDod(r);
      delta = i === 1 ? d : delta + d;
      prev += delta;
    }
    out[i] = prev;
  }
  return out;
}

/**
 * Encodes float64 values by XOR with the previous value. NaN is written bit for bit
 * (the store uses one NaN to mean "no sample in this tick").
 */
export function encodeValues(values: ArrayLike<number>, w = new BitWriter()): BitWriter {
  let prevHi = 0;
  let prevLo = 0;
  // No window yet: the first changed value always writes its own.
  let leading = -1;
  let trailing = 0;
  for (let i = 0; i < values.length; i++) {
    f64[0] = values[i]!;
    const hi = u32[HI]!;
    const lo = u32[LO]!;
    if (i === 0) {
      w.write(hi, 32);
      w.write(lo, 32);
    } else {
      const xh = (hi ^ prevHi) >>> 0;
      const xl = (lo ^ prevLo) >>> 0;
      if (xh === 0 && xl === 0) {
        w.writeBit(0);
      } else {
        w.writeBit(1);
        const lz = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
        const tz = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
        if (leading >= 0 && lz >= leading && tz >= trailing) {
          w.writeBit(0);
          writeMeaningful(w, xh, xl, leading, trailing);
        } else {
          // The paper caps leading zeros at 31 (5 bits); the length 64 is written as 0.
          leading = Math.min(lz, 31);
          trailing = tz;
          const len = 64 - leading - trailing;
          w.writeBit(1);
          w.write(leading, 5);
          w.write(len & 63, 6);
          writeMeaningful(w, xh, xl, leading, trailing);
        }
      }
    }
    prevHi = hi;
    prevLo = lo;
  }
  return w;
}

export function decodeValues(r: BitReader, count: number, out = new Float64Array(count)): Float64Array {
  let hi = 0;
  let lo = 0;
  let leading = 0;
  let trailing = 0;
  for (let i = 0; i < count; i++) {
    if (i === 0) {
      hi = r.read(32);
      lo = r.read(32);
    } else if (r.readBit() === 1) {
      if (r.readBit() === 1) {
        leading = r.read(5);
        const len = r.read(6) || 64;
        trailing = 64 - leading - len;
      }
      const [xh, xl] = readMeaningful(r, leading, trailing);
      hi = (hi ^ xh) >>> 0;
      lo = (lo ^ xl) >>> 0;
    }
    u32[HI] = hi;
    u32[LO] = lo;
    out[i] = f64[0]!;
  }
  return out;
}

/** Writes bits [leading, 64 - trailing) of the 64-bit word (xh, xl). */
function writeMeaningful(w: BitWriter, xh: number, xl: number, leading: number, trailing: number): void {
  const end = 64 - trailing;
  // High half: bits [leading, min(end, 32)).
  if (leading < 32) {
    const stop = Math.min(end, 32);
    const n = stop - leading;
    w.write((xh >>> (32 - stop)) & mask(n), n);
  }
  // Low half: bits [max(leading, 32), end).
  if (end > 32) {
    const start = Math.max(leading, 32);
    const n = end - start;
    w.write((xl >>> (64 - end)) & mask(n), n);
  }
}

function readMeaningful(r: BitReader, leading: number, trailing: number): [number, number] {
  const end = 64 - trailing;
  let xh = 0;
  let xl = 0;
  if (leading < 32) {
    const stop = Math.min(end, 32);
    xh = (r.read(stop - leading) * 2 ** (32 - stop)) >>> 0;
  }
  if (end > 32) {
    const start = Math.max(leading, 32);
    xl = (r.read(end - start) * 2 ** (64 - end)) >>> 0;
  }
  return [xh, xl];
}

function mask(n: number): number {
  return n >= 32 ? 0xffffffff : (1 << n) - 1;
}

/** Count of trailing zero bits of a non-zero 32-bit word. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
