/**
 * Bit-level writer and reader for the Gorilla encodings. Bits are written most
 * significant first, as in the paper's figures, so a stream reads left to right.
 * At most 32 bits go in or out per call: JavaScript's bitwise operators work on
 * 32-bit integers, and 64-bit words are handled as two halves by the caller.
 */
export class BitWriter {
  private buf: Uint8Array;
  /** Bits written so far. */
  private bitLength = 0;

  constructor(initialBytes = 64) {
    this.buf = new Uint8Array(Math.max(8, initialBytes));
  }

  get bits(): number {
    return this.bitLength;
  }

  /** Writes the low `n` bits of `value` (0 ≤ n ≤ 32), most significant first. */
  write(value: number, n: number): void {
    if (n === 0) {
      return;
    }
    this.reserve(n);
    let remaining = n;
    // Left-align the n bits in a 32-bit word so each step takes from the top.
    let word = n === 32 ? value >>> 0 : (value << (32 - n)) >>> 0;
    while (remaining > 0) {
      const byteIndex = this.bitLength >>> 3;
      const used = this.bitLength & 7;
      const free = 8 - used;
      const take = remaining < free ? remaining : free;
      const chunk = word >>> (32 - take);
      this.buf[byteIndex] = this.buf[byteIndex]! | (chunk << (free - take));
      word = (word << take) >>> 0;
      remaining -= take;
      this.bitLength += take;
    }
  }

  writeBit(bit: 0 | 1): void {
    this.write(bit, 1);
  }

  /** The bytes written, padded with zero bits to a whole byte. A copy. */
  bytes(): Uint8Array {
    return this.buf.slice(0, (this.bitLength + 7) >>> 3);
  }

  private reserve(n: number): void {
    const needed = (this.bitLength + n + 7) >>> 3;
    if (needed <= this.buf.length) {
      return;
    }
    let size = this.buf.length * 2;
    while (size < needed) {
      size *= 2;
    }
    const next = new Uint8Array(size);
    next.set(this.buf);
    this.buf = next;
  }
}

export class BitReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get bitsLeft(): number {
    return this.buf.length * 8 - this.pos;
  }

  /** Reads `n` bits (0 ≤ n ≤ 32) as an unsigned number; throws past the end. */
  read(n: number): number {
    if (n === 0) {
      return 0;
    }
    if (n > this.bitsLeft) {
      throw new RangeError(`bit stream ends: ${n} bits wanted, ${this.bitsLeft} left`);
    }
    let out = 0;
    let remaining = n;
    while (remaining > 0) {
      const byte = this.buf[this.pos >>> 3]!;
      const used = this.pos & 7;
      const avail = 8 - used;
      const take = remaining < avail ? remaining : avail;
      const chunk = (byte >>> (avail - take)) & ((1 << take) - 1);
      // Multiply instead of shift: a 32-bit result must stay unsigned.
      out = out * (1 << take) + chunk;
      remaining -= take;
      this.pos += take;
    }
    return out;
  }

  /** One bit: the common case of both decoders (an unchanged value, a steady tick), so it skips read()'s loop. */
  readBit(): number {
    const pos = this.pos;
    if (pos >= this.buf.length * 8) {
      throw new RangeError('bit stream ends: 1 bit wanted, 0 left');
    }
    this.pos = pos + 1;
    return (this.buf[pos >>> 3]! >>> (7 - (pos & 7))) & 1;
  }
}
