/** Byte-aligned streams of the history format: raw bytes and unsigned LEB128 integers. */

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
