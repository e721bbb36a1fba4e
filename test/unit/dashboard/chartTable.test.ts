/*
 * The figures of a chart's data table: latest, min and max skip gaps, and the trend is
 * the core's least-squares direction (flat unless the line is significant).
 */
import assert from 'node:assert/strict';
import { columnStats } from '../../../src/webview/chartTable';

const times = (n: number): number[] => Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1000);

describe('chart data table figures (columnStats)', () => {
  it('latest, min and max skip gaps; the latest is the newest value, not the last slot', () => {
    const s = columnStats(times(6), [null, 5, 2, null, 9, null]);
    assert.deepEqual({ latest: s.latest, min: s.min, max: s.max }, { latest: 9, min: 2, max: 9 });
  });

  it('a steady climb is rising, a steady fall is falling, noise around a level is flat', () => {
    const n = 120;
    assert.equal(columnStats(times(n), Array.from({ length: n }, (_, i) => 100 + i)).trend, 'rising');
    assert.equal(columnStats(times(n), Array.from({ length: n }, (_, i) => 100 - i * 0.5)).trend, 'falling');
    assert.equal(columnStats(times(n), Array.from({ length: n }, (_, i) => 50 + (i % 2 === 0 ? 3 : -3))).trend, 'flat');
  });

  it('no values (or no column) gives no figures and a flat trend', () => {
    assert.deepEqual(columnStats(times(3), [null, null, null]), { latest: null, min: null, max: null, trend: 'flat' });
    assert.deepEqual(columnStats(times(3), undefined), { latest: null, min: null, max: null, trend: 'flat' });
  });
});
