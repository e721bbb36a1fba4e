import assert from 'node:assert/strict';
import { ErrorGroupTracker, GroupEvent } from '../../../src/core/logs/errorGroups';
import { RawFrame } from '../../../src/core/logs/stackFrames';

const frames: RawFrame[] = [{ file: '/app/rooms.js', line: 42, column: 1, fn: 'join' }];
const occ = (timeMs: number, message = 'user 1 missing', type = 'TypeError') => ({ timeMs, type, message, frames, text: `${type}: ${message}`, source: 'app.log' });

describe('error groups', () => {
  it('counts occurrences with first/last seen, rate and a sample; says "new" once', () => {
    const t = new ErrorGroupTracker();
    const events: GroupEvent[] = [];
    t.onGroupEvent((e) => events.push(e));
    for (let i = 0; i < 30; i++) t.record(occ(1_000_000 + i * 1000, `user ${i} missing`));
    assert.equal(t.size, 1);
    const g = t.list()[0]!;
    assert.equal(g.count, 30);
    assert.equal(g.firstSeenMs, 1_000_000);
    assert.equal(g.lastSeenMs, 1_029_000);
    assert.equal(g.sample, 'TypeError: user 29 missing');
    assert.deepEqual(events.map((e) => e.kind), ['new']);
    assert.ok(Math.abs(t.rate(g, 1_029_000) - 0.5) < 0.2, `rate ${t.rate(g, 1_029_000)}`);
    const spark = t.sparkline(g, 1_029_000);
    assert.equal(spark.reduce((a, b) => a + b, 0), 30);
  });

  it('calls out a group that comes back after a restart as a regression, once per run', () => {
    const t = new ErrorGroupTracker();
    const kinds: string[] = [];
    t.onGroupEvent((e) => kinds.push(e.kind));
    t.record(occ(1000));
    t.markRestart(5000);
    t.record(occ(6000));
    t.record(occ(7000));
    t.record(occ(8000, 'other', 'RangeError'));
    assert.deepEqual(kinds, ['new', 'regression', 'new']);
    assert.equal(t.list().find((g) => g.type === 'TypeError')!.regressedAtMs, 6000);
  });

  it('keeps at most maxGroups, dropping the least recently seen', () => {
    const t = new ErrorGroupTracker(10);
    for (let i = 0; i < 100; i++) t.record(occ(i, `distinct message ${String.fromCharCode(65 + (i % 26))}${Math.floor(i / 26)}x`, `E${i}Error`));
    assert.equal(t.size, 10);
    assert.ok(t.list().every((g) => g.lastSeenMs >= 90));
  });

  it('lists quiet groups', () => {
    const t = new ErrorGroupTracker();
    t.record(occ(0));
    assert.equal(t.quiet(60_000, 300_000).length, 0);
    assert.equal(t.quiet(300_000, 300_000).length, 1);
  });
});
