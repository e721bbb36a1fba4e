/**
 * One block's column as scaled integers, for values Gorilla's XOR handles badly:
 * decimals such as an event-loop lag of 0.054593686 s (nanoseconds ÷ 10⁹) or byte
 * counts that move by whole pages. XOR of two such floats keeps most of the mantissa
 * (7 bytes a sample); the same values as integers n / 10^k differ by small numbers,
 * and their differences share a factor (4096 for RSS).
 *
 * Lossless: a column is taken only when every value is exactly n / 10^k with one k
 * in 0..9 (the division gives back the very same float64), so decoding returns the
 * same bits. NaN, ±Infinity, -0 and numbers beyond 2^50 are refused (undefined), and
 * the caller keeps the XOR stream for them.
 *
 * Layout: k, the first integer (zigzag), the common factor g of the differences, the
 * bit width w (LEB128 each), then each (difference ÷ g) zigzagged in w bits. A
 * constant column is those four numbers and nothing else.
 */
import { BitReader, BitWriter } from './bits';
import { ByteSink, ByteSource } from './byteStream';

const MAX_SCALE = 9;
/** Differences of integers below this stay safe integers after zigzag (< 2^52). */
const MAX_MAGNITUDE = 2 ** 50;

export function encodeDecimalColumn(values: Float64Array): Uint8Array | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const k = decimalScale(values);
  if (k === undefined) {
    return undefined;
  }
  const p = 10 ** k;
  const ints = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    ints[i] = Math.round(values[i]! * p);
  }
  let g = 0;
  for (let i = 1; i < ints.length; i++) {
    g = gcd(g, Math.abs(ints[i]! - ints[i - 1]!));
  }
  const step = g === 0 ? 1 : g;
  let width = 0;
  for (let i = 1; i < ints.length; i++) {
    width = Math.max(width, bitWidth(zigzag((ints[i]! - ints[i - 1]!) / step)));
  }
  const head = new ByteSink();
  head.varint(k);
  head.varint(zigzag(ints[0]!));
  head.varint(step);
  head.varint(width);
  const bits = new BitWriter(Math.ceil((width * ints.length) / 8) + 8);
  for (let i = 1; i < ints.length; i++) {
    writeWide(bits, zigzag((ints[i]! - ints[i - 1]!) / step), width);
  }
  const body = bits.bytes();
  const out = new Uint8Array(head.bytes().length + body.length);
  out.set(head.bytes());
  out.set(body, head.bytes().length);
  return out;
}

export function decodeDecimalColumn(bytes: Uint8Array, count: number, out = new Float64Array(count)): Float64Array {
  const src = new ByteSource(bytes);
  const k = src.varint();
  if (k > MAX_SCALE) {
    throw new RangeError(`a decimal column with ${k} digits after the point`);
  }
  const p = 10 ** k;
  let n = unzigzag(src.varint());
  const step = src.varint();
  const width = src.varint();
  if (width > 53) {
    throw new RangeError(`a decimal column of ${width}-bit differences`);
  }
  const r = new BitReader(bytes.subarray(bytes.length - src.remaining));
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      n += unzigzag(readWide(r, width)) * step;
    }
    out[i] = n / p;
  }
  return out;
}

/** The smallest k for which every value is exactly an integer ÷ 10^k, if any. */
function decimalScale(values: Float64Array): number | undefined {
  for (let k = 0; k <= MAX_SCALE; k++) {
    const p = 10 ** k;
    let ok = true;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const n = Math.round(v * p);
      if (!(Math.abs(n) < MAX_MAGNITUDE) || n / p !== v || (v === 0 && 1 / v < 0)) {
        ok = false;
        break;
      }
    }
    if (ok) {
      return k;
    }
  }
  return undefined;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function zigzag(n: number): number {
  return n >= 0 ? 2 * n : -2 * n - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

function bitWidth(n: number): number {
  return n === 0 ? 0 : Math.floor(Math.log2(n)) + 1;
}

/** Up to 53 bits, as a high part and the low 32 bits (the writer takes ≤ 32 at a time). */
function writeWide(w: BitWriter, v: number, width: number): void {
  if (width > 32) {
    w.write(Math.floor(v / 2 ** 32), width - 32);
    w.write(v % 2 ** 32, 32);
  } else {
    w.write(v, width);
  }
}

function readWide(r: BitReader, width: number): number {
  if (width > 32) {
    const hi = r.read(width - 32);
    return hi * 2 ** 32 + r.read(32);
  }
  return r.read(width);
}
