import assert from 'node:assert/strict';
import { SLAB_MIN_BYTES, SLOT_BYTES, TimeRing, ValueColumn } from '../../../src/core/store/ringBuffer';
import { mulberry32 } from '../analyze/synthetic';
import { heapUsedAfterGc } from '../helpers/heap';

/** Every column's samples (times and values), oldest first. */
function held(cols: readonly ValueColumn[]): { times: number[]; values: number[] }[] {
  return cols.map((c) => {
    const w = c.window(-Infinity, Infinity);
    return { times: [...w.times], values: [...w.values] };
  });
}

describe('TimeRing: a big ring keeps its value columns in one slab', () => {
  it('a growth moves the columns into one buffer, grown and shrunk in place (no array per column)', () => {
    const r = new TimeRing(64, 4, false, 0, 1);
    const cols = [r.addColumn(), r.addColumn(), r.addColumn()];
    for (let t = 1; t <= 4; t++) {
      cols.forEach((c, i) => (c.next = t * 10 + i));
      r.push(t * 1000);
    }
    r.grow(8);
    const slab = cols[0]!.values.buffer;
    assert.ok(cols.every((c) => c.values.buffer === slab), 'one buffer for every column');
    assert.equal(slab.byteLength, 3 * 8 * SLOT_BYTES);
    const d = r.addColumn();
    assert.equal(d.values.buffer, slab, 'a new column takes the slab\'s next rows');
    assert.equal(slab.byteLength, 4 * 8 * SLOT_BYTES);
    r.removeColumn(cols[0]!);
    assert.equal(slab.byteLength, 3 * 8 * SLOT_BYTES, 'a column leaving gives its rows back');
    assert.notEqual(cols[0]!.values.buffer, slab, 'it leaves with its own copy');
    assert.deepEqual([0, 1, 2, 3].map((i) => cols[0]!.valueAt(i)), [10, 20, 30, 40]);
    assert.deepEqual([0, 1, 2, 3].map((i) => cols[2]!.valueAt(i)), [12, 22, 32, 42]);
  });

  it('a slab column is one small object: no view of its own (10,000 of them were 1 MB of heap, made again at every growth)', () => {
    const n = 20_000;
    const before = heapUsedAfterGc();
    const r = new TimeRing(64, 8, false, 0, 1);
    const cols: ValueColumn[] = [];
    for (let i = 0; i < n; i++) cols.push(r.addColumn());
    for (let t = 1; t <= 8; t++) r.push(t);
    r.grow(16); // into the slab: each column's own array goes
    const perColumn = (heapUsedAfterGc() - before) / n;
    assert.equal(cols.length, n);
    // Measured: 108 bytes (the column and its slots in the ring's and the test's lists);
    // with a Float64Array view a column it was 204.
    assert.ok(perColumn < 150, `${perColumn.toFixed(0)} bytes of heap a column`);
  });

  it('small rings keep an array per column (a slab costs whole pages)', () => {
    const r = new TimeRing(3600, 8, false);
    const a = r.addColumn();
    const b = r.addColumn();
    r.grow(16);
    assert.notEqual(a.values.buffer, b.values.buffer);
  });

  it('a big ring of few columns keeps an array per column: on Node 20 a read over a slab (a resizable buffer) takes the slow path', () => {
    const r = new TimeRing(1 << 17, 8, false);
    const cols = Array.from({ length: 10 }, () => r.addColumn());
    for (let t = 1; r.slots < 1 << 17; t++) {
      if (r.full) r.grow(r.slots * 2);
      cols.forEach((c, i) => (c.next = t * 100 + i));
      r.push(t * 1000);
    }
    assert.ok(r.bytes > SLAB_MIN_BYTES, 'past the slab\'s size');
    assert.equal(new Set(cols.map((c) => c.values.buffer)).size, cols.length, 'an array per column');
    assert.ok(cols.every((c) => (c.values.buffer as ArrayBuffer & { resizable?: boolean }).resizable !== true), 'no resizable buffer');
    assert.deepEqual([0, 1, 2].map((i) => cols[9]!.valueAt(i)), [109, 209, 309], 'every value kept through the growths');
  });

  it('holds what a ring of arrays holds, whatever the pattern of columns joining, leaving and growing (seeded, 300 runs)', () => {
    for (let run = 0; run < 300; run++) {
      const rnd = mulberry32(run + 1);
      const capacity = 1 + Math.floor(rnd() * 40);
      const slots = 1 + Math.floor(rnd() * capacity);
      const slab = new TimeRing(capacity, slots, false, 0, 1);
      const plain = new TimeRing(capacity, slots, false, Number.POSITIVE_INFINITY);
      const a: ValueColumn[] = [];
      const b: ValueColumn[] = [];
      let t = 0;
      const steps = 20 + Math.floor(rnd() * 200);
      for (let s = 0; s < steps; s++) {
        const op = rnd();
        if (op < 0.15 || a.length === 0) {
          // Up to ~150 columns: past 64 the slab's first reservation is outgrown.
          const n = 1 + Math.floor(rnd() * (run % 3 === 0 ? 60 : 4));
          for (let k = 0; k < n; k++) {
            a.push(slab.addColumn());
            b.push(plain.addColumn());
          }
        } else if (op < 0.25) {
          const i = Math.floor(rnd() * a.length);
          const [ca] = a.splice(i, 1);
          const [cb] = b.splice(i, 1);
          slab.removeColumn(ca!);
          plain.removeColumn(cb!);
          // The column that left is still read (a series moving to another ring).
          assert.deepEqual(held([ca!]), held([cb!]), `run ${run}: the column that left`);
        } else if (op < 0.35) {
          const to = slab.slots + 1 + Math.floor(rnd() * 8);
          slab.grow(to);
          plain.grow(to);
        } else {
          t += 1000;
          a.forEach((c, i) => (c.next = t + i));
          b.forEach((c, i) => (c.next = t + i));
          slab.push(t);
          plain.push(t);
        }
      }
      assert.equal(slab.slots, plain.slots);
      assert.deepEqual(held(a), held(b), `run ${run}`);
      const buffers = new Set(a.map((c) => c.values.buffer));
      if (slab.slots > slots && a.length > 0) assert.equal(buffers.size, 1, `run ${run}: one slab`);
    }
  });
});
