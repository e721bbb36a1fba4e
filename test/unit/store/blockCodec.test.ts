import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Block, decodeBlock, encodeBlock } from '../../../src/core/store/blockCodec';
import { ByteSink } from '../../../src/core/store/byteStream';
import { decodeDecimalColumn, encodeDecimalColumn } from '../../../src/core/store/decimalColumn';
import { HistoryLog } from '../../../src/core/store/historyLog';

/** A deterministic stream of numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Object.is(a[i], b[i]), `${what} at ${i}: ${a[i]} came back as ${b[i]}`);
  }
}

const TIMES = Float64Array.from({ length: 60 }, (_, i) => 1_796_000_000_000 + i * 1000 + (i % 3));

describe('block codec (format 2: the smallest encoding a column)', () => {
  it('decimal columns come back bit for bit: lags in whole nanoseconds, byte counts in pages, counts, negative numbers', () => {
    const r = rng(7);
    const columns: [string, Float64Array][] = [
      ['lag (ns ÷ 1e9)', Float64Array.from({ length: 60 }, () => Math.round(r() * 9e7) / 1e9)],
      ['rss (pages)', Float64Array.from({ length: 60 }, (_, i) => 54_370_304 + 4096 * Math.round(r() * 50 - 25 + i))],
      ['fds', Float64Array.from({ length: 60 }, (_, i) => 20 + (i > 30 ? 1 : 0))],
      ['negative', Float64Array.from({ length: 60 }, () => -Math.round(r() * 1e6) / 100)],
      ['constant', new Float64Array(60).fill(1_796_001_392)],
    ];
    for (const [what, values] of columns) {
      const bytes = encodeDecimalColumn(values);
      assert.ok(bytes, `${what}: taken as decimals`);
      sameBits(decodeDecimalColumn(bytes, values.length), values, what);
    }
  });

  it('refuses what is not an exact decimal (NaN, -0, infinities, 0.1 + 0.2, ratios, huge numbers): the XOR stream keeps those', () => {
    for (const v of [NaN, -0, Infinity, -Infinity, 0.1 + 0.2, 1 / 3, 2 ** 60, 1e-12]) {
      assert.equal(encodeDecimalColumn(Float64Array.from([1, v, 2])), undefined, `${v} refused`);
    }
  });

  it('an event-loop lag column (10–15 ms in whole ns) costs about half the XOR stream’s 7 bytes a sample; a constant one a few bytes a block', () => {
    const r = rng(11);
    const lag = Float64Array.from({ length: 60 }, () => Math.round(1e7 + r() * 5e6) / 1e9);
    const block: Block = { times: TIMES, columns: new Map([[0, lag]]) };
    const xor = encodeBlock(block, 1).length / 60;
    const ours = encodeBlock(block).length / 60;
    assert.ok(xor > 6, `format 1 (XOR) ${xor.toFixed(2)} B a sample`);
    assert.ok(ours < xor * 0.65, `format 2 ${ours.toFixed(2)} B a sample (XOR ${xor.toFixed(2)})`);
    const constant = encodeBlock({ times: TIMES, columns: new Map([[0, new Float64Array(60).fill(270336)]]) }).length;
    const constantXor = encodeBlock({ times: TIMES, columns: new Map([[0, new Float64Array(60).fill(270336)]]) }, 1).length;
    assert.ok(constant + 8 <= constantXor, `a constant column: ${constant} B, format 1 ${constantXor} B`);
  });

  it('a block of mixed columns round-trips: absent throughout, absent in part (XOR keeps NaN), random bits, decimals; skipping unwanted series', () => {
    const r = rng(3);
    const f64 = new Float64Array(1);
    const u32 = new Uint32Array(f64.buffer);
    const randomBits = Float64Array.from({ length: 60 }, () => {
      u32[0] = r() * 2 ** 32;
      u32[1] = r() * 2 ** 32;
      return f64[0]!;
    });
    const columns = new Map<number, Float64Array>([
      [4, new Float64Array(60).fill(NaN)],
      [9, Float64Array.from({ length: 60 }, (_, i) => (i < 20 ? NaN : i * 0.5))],
      [2, randomBits],
      [7, Float64Array.from({ length: 60 }, (_, i) => i * 4096)],
    ]);
    const block = decodeBlock(encodeBlock({ times: TIMES, columns }))!;
    sameBits(block.times, TIMES, 'times');
    for (const [id, values] of columns) {
      sameBits(block.columns.get(id)!, values, `series ${id}`);
    }
    const some = decodeBlock(encodeBlock({ times: TIMES, columns }), new Set([7]))!;
    assert.deepEqual([...some.columns.keys()], [7]);
    sameBits(some.columns.get(7)!, columns.get(7)!, 'series 7 alone');
  });

  it('history files written before format 2 (plain definitions, format 1 blocks) are still read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-history-v1-'));
    try {
      const record = (type: number, payload: Uint8Array): Buffer => {
        const body = Buffer.concat([Buffer.from([type]), payload]);
        const header = Buffer.alloc(8);
        header.writeUInt32LE(body.length, 0);
        header.writeUInt32LE(zlib.crc32(body), 4);
        return Buffer.concat([header, body]);
      };
      const def = (id: number, name: string, labels: Record<string, string>): Buffer => {
        const sink = new ByteSink();
        sink.varint(id);
        sink.bytesWithLength(Buffer.from(JSON.stringify([name, labels]), 'utf8'));
        return record(1, sink.bytes());
      };
      const cpu = Float64Array.from({ length: 60 }, (_, i) => Math.sin(i) * 50 + 50);
      const rss = Float64Array.from({ length: 60 }, (_, i) => 5e7 + i * 4096);
      const v1 = encodeBlock({ times: TIMES, columns: new Map([[0, cpu], [1, rss]]) }, 1);
      fs.writeFileSync(
        path.join(dir, '00000001.crmh'),
        Buffer.concat([Buffer.from('CRMHIST1', 'latin1'), def(0, 'process_cpu_usage_percent', {}), def(1, 'process_resident_memory_bytes', { pid: '7' }), record(2, v1)]),
      );
      const { log, recovery } = HistoryLog.open(dir, { retentionMs: Infinity }, () => TIMES[59]!);
      assert.deepEqual(recovery.problems, []);
      // New ticks go on in format 2 beside the old block.
      log.append(TIMES[59]! + 1000, [{ name: 'process_cpu_usage_percent', labels: {}, value: 12.5 }]);
      log.dispose();
      const { log: again } = HistoryLog.open(dir, { retentionMs: Infinity, readOnly: true }, () => TIMES[59]!);
      const all = again.read(-Infinity, Infinity);
      sameBits(all.get('process_cpu_usage_percent')!.values, [...cpu, 12.5], 'cpu');
      sameBits(all.get('process_resident_memory_bytes{pid="7"}')!.values, rss, 'rss');
      again.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
