import assert from 'node:assert/strict';
import { SeriesData } from '../../../src/webview/seriesData';

describe('SeriesData (the page\'s copy of the chart data)', () => {
  it('takes an append without keys as the series it holds, in the order the window sent them', () => {
    const data = new SeriesData();
    data.replace({ x: [1, 2], keys: ['b', 'a'], y: [[10, 11], [20, null]] });
    data.append({ x: [3], y: [[12], [22]] });
    assert.deepEqual(data.x, [1, 2, 3]);
    assert.deepEqual(data.column('b'), [10, 11, 12]);
    assert.deepEqual(data.column('a'), [20, null, 22]);
  });

  it('still takes an append that names its series (a new one gets nulls before its first point)', () => {
    const data = new SeriesData();
    data.replace({ x: [1], keys: ['a'], y: [[1]] });
    data.append({ x: [2], keys: ['c', 'a'], y: [[5], [2]] });
    assert.deepEqual(data.column('a'), [1, 2]);
    assert.deepEqual(data.column('c'), [null, 5]);
  });
});
