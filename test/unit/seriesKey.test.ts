import assert from 'node:assert/strict';
import { Labels, cachedSeriesKey, seriesKey } from '../../src/core/model';
import { heapUsedAfterGc } from './helpers/heap';

describe('series keys', () => {
  it('cachedSeriesKey gives seriesKey, per name, for the same labels object', () => {
    const labels: Labels = { user: 'u"1\\', room: 'a\nb' };
    assert.equal(cachedSeriesKey('m', labels), 'm{room="a\\nb",user="u\\"1\\\\"}');
    assert.equal(cachedSeriesKey('m_p95', labels), seriesKey('m_p95', labels));
    assert.equal(cachedSeriesKey('m', labels), seriesKey('m', labels));
    assert.equal(cachedSeriesKey('m_p99', labels), seriesKey('m_p99', labels));
    assert.equal(cachedSeriesKey('m_p95', labels), seriesKey('m_p95', labels));
    assert.equal(cachedSeriesKey('plain', {}), 'plain');
  });

  it('a key kept for a series costs under 250 bytes of heap (10,000 series at the limit: no Map and no string tree each)', () => {
    const n = 20_000;
    const labels: Labels[] = [];
    for (let i = 0; i < n; i++) labels.push({ user: `user-number-${i}`, room: `room-${i % 50}` });
    const before = heapUsedAfterGc();
    const keys: string[] = [];
    for (let i = 0; i < n; i++) keys.push(cachedSeriesKey('chat_user_messages', labels[i]!));
    const perKey = (heapUsedAfterGc() - before) / n;
    // Measured: 176 bytes (the key's ~60 characters, its list entry, the weak table's
    // slots); with a Map per labels object and a `+=` key it was 537.
    assert.equal(cachedSeriesKey('chat_user_messages', labels[7]!), keys[7]);
    assert.ok(perKey < 250, `${perKey.toFixed(0)} bytes a cached key`);
  });
});
