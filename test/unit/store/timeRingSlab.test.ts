import assert from 'node:assert/strict';
import { HAS_RESIZABLE, PagedFloats, SLAB_MIN_BYTES, SLAB_PAGE_FLOATS, TimeRing, ValueColumn } from '../../../src/core/store/ringBuffer';
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
  it('a growth moves the columns into one slab of pages, grown and shrunk by its pages (no array per column)', () => {
    const r = new TimeRing(64, 4, false, 0, 1, 16);
    const cols = [r.addColumn(), r.addColumn(), r.addColumn()];
    for (let t = 1; t <= 4; t++) {
      cols.forEach((c, i) => (c.next = t * 10 + i));
      r.push(t * 1000);
    }
    r.grow(8);
    assert.ok(cols.every((c) => c.ownValues === undefined), 'no array of its own');
    assert.deepEqual(r.slabPages.map((p) => p.length), [16, 16], '3 columns of 8 rows in pages of 16');
    const d = r.addColumn();
    assert.equal(d.ownValues, undefined, 'a new column takes the slab\'s next rows');
    assert.deepEqual(r.slabPages.map((p) => p.length), [16, 16]);
    r.addColumn();
    assert.deepEqual(r.slabPages.map((p) => p.length), [16, 16, 16], 'a page added, none copied');
    r.removeColumn(r.columns[4]!);
    r.removeColumn(cols[0]!);
    assert.deepEqual(r.slabPages.map((p) => p.length), [16, 16], 'columns leaving give their last page back');
    assert.ok(cols[0]!.ownValues !== undefined, 'it leaves with its own copy');
    assert.deepEqual([0, 1, 2, 3].map((i) => cols[0]!.valueAt(i)), [10, 20, 30, 40]);
    assert.deepEqual([0, 1, 2, 3].map((i) => cols[2]!.valueAt(i)), [12, 22, 32, 42]);
  });

  it('a big ring of many columns is read over plain buffers: on Node 20 a read over a resizable buffer (the slab before) takes the slow path', () => {
    const r = new TimeRing(1 << 14, 8, false);
    const cols = Array.from({ length: 40 }, () => r.addColumn());
    for (let t = 1; r.slots < 1 << 14; t++) {
      if (r.full) r.grow(r.slots * 2);
      cols.forEach((c, i) => (c.next = t * 100 + i));
      r.push(t * 1000);
    }
    assert.ok(r.bytes > SLAB_MIN_BYTES, 'past the slab\'s size');
    assert.ok(cols.every((c) => c.ownValues === undefined), 'in the slab');
    const segments = cols.flatMap((c) => c.segments(-Infinity, Infinity));
    assert.ok(segments.every((s) => (s.values.buffer as ArrayBuffer & { resizable?: boolean }).resizable !== true), 'no resizable buffer');
    assert.ok(segments.every((s) => s.values.length <= SLAB_PAGE_FLOATS && s.values.length === s.times.length));
    assert.deepEqual([0, 1, 2].map((i) => cols[39]!.valueAt(i)), [139, 239, 339], 'every value kept through the growths');
    const w = cols[17]!.window(-Infinity, Infinity);
    assert.equal(w.values.length, r.length);
    assert.ok(w.values.every((v, i) => v === w.times[i]! / 10 + 17), 'each value beside its own time, across the pages');
  });

  it('a ring of 1,000 columns or more keeps its slab in one resizable buffer (plain pages raised the watcher\'s peak RSS), grown and shrunk in place', function () {
    if (!HAS_RESIZABLE) this.skip();
    const r = new TimeRing(64, 4, false, 0, 1, 16, 3);
    const cols = [r.addColumn(), r.addColumn(), r.addColumn()];
    for (let t = 1; t <= 4; t++) {
      cols.forEach((c, i) => (c.next = t * 10 + i));
      r.push(t * 1000);
    }
    r.grow(8);
    assert.equal(r.slabPages.length, 1);
    const slab = r.slabPages[0]!.buffer as ArrayBuffer & { resizable?: boolean };
    assert.equal(slab.resizable, true);
    assert.equal(slab.byteLength, 3 * 8 * 8);
    r.addColumn();
    assert.equal(r.slabPages[0]!.buffer, slab, 'in place');
    assert.equal(slab.byteLength, 4 * 8 * 8);
    r.removeColumn(cols[0]!);
    assert.equal(slab.byteLength, 3 * 8 * 8, 'a column leaving gives its rows back');
    assert.deepEqual([0, 1, 2, 3].map((i) => cols[0]!.valueAt(i)), [10, 20, 30, 40]);
    assert.deepEqual([0, 1, 2, 3].map((i) => cols[2]!.valueAt(i)), [12, 22, 32, 42]);
    const wide = new TimeRing(64, 4, false, 0, 1, 16, 4);
    [1, 2, 3].forEach(() => wide.addColumn());
    wide.grow(8);
    assert.ok(wide.slabPages.every((p) => (p.buffer as ArrayBuffer & { resizable?: boolean }).resizable !== true), 'fewer columns: pages');
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
    assert.ok(a.ownValues !== undefined && b.ownValues !== undefined && a.ownValues.buffer !== b.ownValues.buffer);
  });

  it('a big ring of few columns keeps an array per column (at most 31 arrays are replaced at a growth)', () => {
    const r = new TimeRing(1 << 17, 8, false);
    const cols = Array.from({ length: 10 }, () => r.addColumn());
    for (let t = 1; r.slots < 1 << 17; t++) {
      if (r.full) r.grow(r.slots * 2);
      cols.forEach((c, i) => (c.next = t * 100 + i));
      r.push(t * 1000);
    }
    assert.ok(r.bytes > SLAB_MIN_BYTES, 'past the slab\'s size');
    assert.equal(new Set(cols.map((c) => c.ownValues!.buffer)).size, cols.length, 'an array per column');
    assert.deepEqual([0, 1, 2].map((i) => cols[9]!.valueAt(i)), [109, 209, 309], 'every value kept through the growths');
  });

  it('holds what a ring of arrays holds, whatever the pattern of columns joining, leaving and growing (seeded, 300 runs)', () => {
    for (let run = 0; run < 300; run++) {
      const rnd = mulberry32(run + 1);
      const capacity = 1 + Math.floor(rnd() * 40);
      const slots = 1 + Math.floor(rnd() * capacity);
      // Pages of 2–16 floats: columns cross pages' ends, and a growth moves them across pages (a run in four: one resizable buffer).
      const slab = new TimeRing(capacity, slots, false, 0, 1, 1 << (1 + Math.floor(rnd() * 4)), run % 4 === 1 ? 1 : Number.POSITIVE_INFINITY);
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
      if (slab.slots > slots) assert.ok(a.every((c) => c.ownValues === undefined), `run ${run}: in the slab`);
    }
  });
});

describe('PagedFloats: float64s in pages of plain buffers', () => {
  it('copies as copyWithin does, across pages and overlapping either way (seeded, 500 runs)', () => {
    for (let run = 0; run < 500; run++) {
      const rnd = mulberry32(run + 7);
      const pages = new PagedFloats(1 << Math.floor(rnd() * 4));
      const n = 1 + Math.floor(rnd() * 60);
      pages.ensure(n);
      const plain = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        plain[i] = i;
        pages.set(i, i);
      }
      for (let k = 0; k < 5; k++) {
        const from = Math.floor(rnd() * n);
        const to = Math.floor(rnd() * n);
        const len = Math.floor(rnd() * (n - Math.max(from, to) + 1));
        plain.copyWithin(to, from, from + len);
        pages.copy(to, from, len);
      }
      assert.deepEqual([...pages.slice(0, n)], [...plain], `run ${run}`);
    }
  });
});
