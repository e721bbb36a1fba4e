/**
 * The reload check's drawn history (test/e2e/support/historyDraw.ts): a series that
 * counts up keeps counting up, so the analysis of the drawn hours finds no restart the
 * server never had; the other series still take their values from random live ticks.
 */
import * as assert from 'assert';
import { countsUp, drawHistory } from '../../e2e/support/historyDraw';
import { mulberry32 } from '../../../src/core/analyze/random';
import { counterIncrease } from '../../../src/core/analyze/stats';
import { Metric, seriesMeta } from '../../../src/core/model';

describe('e2e drawn history (historyDraw)', () => {
  const uptime = Array.from({ length: 120 }, (_, i) => 30 + i);
  // A counter with bursts (3 a tick, 8 every seventh) and one reset live.
  const messages = Array.from({ length: 120 }, (_, i) => (i < 100 ? i * 3 + Math.floor(i / 7) * 5 : i - 100));
  const cpu = Array.from({ length: 120 }, (_, i) => 10 + ((i * 37) % 23));
  const users = Array.from({ length: 120 }, (_, i) => Math.min(20, Math.floor(i / 5)));

  it('tells a series that counts up from a gauge', () => {
    assert.strictEqual(countsUp(Metric.processUptimeSeconds), true);
    assert.strictEqual(countsUp('chat_messages_total'), true);
    assert.strictEqual(countsUp('chat_messages', seriesMeta('counter', '')), true);
    assert.strictEqual(countsUp('chat_active_users'), false);
    assert.strictEqual(countsUp('process_cpu_percent', seriesMeta('gauge', 'percent')), false);
  });

  it('draws a counter and the uptime in order over three hours, and gauges at random, rising ones too', () => {
    const rows = drawHistory(
      [
        { values: uptime, countsUp: true },
        { values: messages, countsUp: true },
        { values: cpu, countsUp: false },
        { values: users, countsUp: false },
      ],
      3 * 3600,
      mulberry32(20),
    );
    const column = (i: number): number[] => rows.map((r) => r[i]!);
    for (const i of [0, 1]) {
      assert.strictEqual(counterIncrease(column(i)).resets, 0, `series ${i} went down in the drawn hours`);
    }
    // Uptime steps by exactly 1 a tick live, so it does drawn too.
    assert.deepStrictEqual([column(0)[0], column(0)[rows.length - 1]], [30, 30 + rows.length - 1]);
    assert.ok(column(1)[rows.length - 1]! > 3 * 3600 * 2, 'the counter grows at about its live pace');
    // Gauges take live values, many of them, in no order: a rising one does not rise for hours.
    for (const [i, live] of [[2, cpu], [3, users]] as const) {
      const drawn = column(i);
      assert.ok(drawn.every((v) => live.includes(v)));
      assert.ok(new Set(drawn).size >= 15);
      assert.ok(counterIncrease(drawn).resets > 100, `gauge ${i} is drawn in order`);
    }
  });
});
