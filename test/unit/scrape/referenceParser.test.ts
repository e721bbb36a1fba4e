/**
 * Our parser against parse-prometheus-text-format on the same bodies: equal where
 * that library is right, and the cases where it is wrong, each shown (ours is
 * checked to be right there).
 */
import * as assert from 'node:assert/strict';
import { parseExposition } from '../../../src/core/scrape/parser';
import { bigBody, chatRegistry } from './exposition';
import { parsePrometheusTextFormat } from './referenceParser';

describe('parseExposition vs parse-prometheus-text-format', () => {
  it('agrees on every gauge and counter of a real prom-client 0.0.4 body', async () => {
    const { register, messages, activeUsers } = chatRegistry(false);
    messages.inc(3);
    activeUsers.set({ room: 'quote " back \\ nl \n ☕' }, 4);
    const text = await register.metrics();
    const ours = parseExposition(text);
    const theirs = parsePrometheusTextFormat(text);
    let compared = 0;
    for (const t of theirs) {
      if (t.type !== 'GAUGE' && t.type !== 'COUNTER') {
        continue;
      }
      const o = ours.families.find((f) => f.name === t.name);
      assert.ok(o, t.name);
      assert.equal(o.type.toUpperCase(), t.type);
      assert.equal(o.help, t.help);
      assert.equal(o.samples.length, t.metrics.length, t.name);
      t.metrics.forEach((m, i) => {
        const s = o.samples[i]!;
        // Theirs are strings; prom-client writes "Nan" for NaN, which Number() does not read.
        const theirValue = /^nan$/i.test(m.value ?? '') ? NaN : Number(m.value);
        assert.ok(Object.is(s.value, theirValue), `${t.name}: ${s.value} vs ${m.value}`);
        assert.deepEqual({ ...s.labels }, m.labels ?? {});
        compared++;
      });
    }
    assert.ok(compared > 20, `compared ${compared}`);
  });

  it('agrees on label escapes, unicode and timestamps', () => {
    const text = 'g{v="a\\\\b\\"c\\nd",u="}\\",= ☕"} 1 1395066363000\n';
    const [t] = parsePrometheusTextFormat(text);
    const s = parseExposition(text).families[0]!.samples[0]!;
    assert.deepEqual({ ...s.labels }, t!.metrics[0]!.labels);
    assert.equal(String(s.timestampMs), t!.metrics[0]!.timestamp_ms);
  });

  it('is right where it merges the label sets of a labelled histogram into one', async () => {
    const body = await bigBody(50, false);
    const theirs = parsePrometheusTextFormat(body).find((f) => f.name === 'chat_room_latency_seconds')!;
    // Theirs: one entry, no labels, the buckets of the last room only, no sum or count.
    assert.equal(theirs.metrics.length, 1);
    assert.equal(theirs.metrics[0]!.labels, undefined);
    const ours = parseExposition(body).families.find((f) => f.name === 'chat_room_latency_seconds')!;
    const rooms = new Set(ours.samples.map((s) => s.labels['room']));
    assert.equal(rooms.size, 4);
    assert.equal(ours.samples.length, 4 * 11);
  });

  it('is right where it splits an OpenMetrics counter and reads an exemplar as a timestamp', () => {
    const text = '# TYPE foo counter\n# HELP foo Foo.\nfoo_total 3 # {trace_id="x"} 1 1.5\nfoo_created 1.7e9\n# EOF\n';
    const theirs = parsePrometheusTextFormat(text);
    assert.deepEqual(theirs.map((f) => [f.name, f.type]), [
      ['foo', 'COUNTER'],
      ['foo_total', 'UNTYPED'],
      ['foo_created', 'UNTYPED'],
    ]);
    assert.equal(theirs[1]!.metrics[0]!.timestamp_ms, '#{trace_id="x"}11.5');
    const ours = parseExposition(text);
    assert.deepEqual(ours.families.map((f) => [f.name, f.type, f.samples.length, f.created.length]), [['foo', 'counter', 1, 1]]);
    assert.equal(ours.families[0]!.samples[0]!.timestampMs, undefined);
  });

  it('is right where it throws away a whole body for one bad line', () => {
    const text = 'a 1\nb{x=1} 2\nc 3\n';
    assert.throws(() => parsePrometheusTextFormat(text), /Encountered invalid line/);
    const ours = parseExposition(text);
    assert.deepEqual(ours.families.map((f) => f.name), ['a', 'c']);
    assert.equal(ours.problems.length, 1);
  });
});
