import assert from 'node:assert/strict';
import { BitReader, BitWriter } from '../../../src/core/store/bits';
import { mulberry32 } from '../../../src/core/analyze/random';
import { decodeTimestamps, decodeValues, encodeTimestamps, encodeValues } from '../../../src/core/store/gorilla';

const rng = mulberry32;

function roundTripValues(values: number[]): Float64Array {
  const bytes = encodeValues(values).bytes();
  return decodeValues(new BitReader(bytes), values.length);
}

function sameBits(a: number, b: number): boolean {
  const x = new Float64Array([a, b]);
  const u = new Uint32Array(x.buffer);
  return u[0] === u[2] && u[1] === u[3];
}

describe('Gorilla encodings', () => {
  it('bit writer and reader agree on widths 1..32, across byte boundaries', () => {
    const r = rng(1);
    const items: [number, number][] = [];
    const w = new BitWriter(1);
    for (let i = 0; i < 2000; i++) {
      const n = 1 + Math.floor(r() * 32);
      const v = Math.floor(r() * 2 ** n);
      items.push([v, n]);
      w.write(v, n);
    }
    const rd = new BitReader(w.bytes());
    for (const [v, n] of items) {
      assert.equal(rd.read(n), v);
    }
    assert.throws(() => rd.read(9), /bit stream ends/);
  });

  it('timestamps: a fixed grid costs one bit a sample after the first two', () => {
    const times = Array.from({ length: 1000 }, (_, i) => 1_764_000_000_000 + i * 1000);
    const w = encodeTimestamps(times);
    // 64 bits for the first, 2+7… for the first delta (1000 needs the 12-bit bucket), then 1 bit each.
    assert.ok(w.bits <= 64 + 4 + 12 + 998, `${w.bits} bits`);
    assert.deepEqual([...decodeTimestamps(new BitReader(w.bytes()), times.length)], times);
  });

  it('timestamps: jitter, long gaps, negative and huge values all round-trip', () => {
    const r = rng(2);
    const times: number[] = [-5_000_000_000];
    for (let i = 1; i < 5000; i++) {
      const kind = r();
      const step = kind < 0.8 ? 1000 + Math.round((r() - 0.5) * 40) : kind < 0.95 ? Math.round(r() * 100_000) + 1 : Math.round(r() * 2 ** 45) + 1;
      times.push(times[i - 1]! + step);
    }
    assert.deepEqual([...decodeTimestamps(new BitReader(encodeTimestamps(times).bytes()), times.length)], times);
  });

  it('timestamps: refuses fractions of a millisecond instead of rounding silently', () => {
    assert.throws(() => encodeTimestamps([0, 1.5]), /whole number of milliseconds/);
  });

  it('values: every float64 bit pattern comes back identical (NaN, -0, ±Inf, subnormals, random bits)', () => {
    const r = rng(3);
    const special = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, 1, 1, 1, 0.1, 0.2, 0.30000000000000004];
    const random: number[] = [];
    const buf = new Float64Array(1);
    const u = new Uint32Array(buf.buffer);
    for (let i = 0; i < 5000; i++) {
      u[0] = Math.floor(r() * 2 ** 32);
      u[1] = Math.floor(r() * 2 ** 32);
      random.push(buf[0]!);
    }
    const walk: number[] = [];
    let v = 50;
    for (let i = 0; i < 5000; i++) {
      v += r() < 0.5 ? 0 : (r() - 0.5) * 3;
      walk.push(r() < 0.3 ? Math.round(v) : v);
    }
    for (const values of [special, random, walk, [42], []]) {
      const back = roundTripValues(values);
      assert.equal(back.length, values.length);
      values.forEach((x, i) => assert.ok(sameBits(x, back[i]!), `index ${i}: ${x} came back as ${back[i]}`));
    }
  });

  it('values: a constant series costs one bit a sample; a slowly counting one a few bits', () => {
    const constant = encodeValues(new Array(1000).fill(3.25));
    assert.ok(constant.bits <= 64 + 999, `${constant.bits} bits`);
    const counting = encodeValues(Array.from({ length: 1000 }, (_, i) => Math.floor(i / 7)));
    assert.ok(counting.bits / 1000 < 4, `${counting.bits / 1000} bits a sample`);
  });
});
