import assert from 'node:assert/strict';
import { momentText, timeAxisValues } from '../../../src/webview/format';
import { inZhCn } from '../helpers/zhCn';

/** Local midnight of 30 November 2026, in seconds (the axis reads local time, as the page does). */
const DAY0 = new Date(2026, 10, 30).getTime() / 1000;

describe("the charts' time axis and legend time, in the display language", () => {
  it('a 24-hour clock with the day under the first tick, in English and in Chinese (not uPlot\'s "3:39pm 11/30/26")', () => {
    const splits = [DAY0 + 15 * 3600 + 39 * 60, DAY0 + 15 * 3600 + 40 * 60, DAY0 + 15 * 3600 + 41 * 60];
    assert.deepEqual(timeAxisValues(splits, 60), ['15:39\nNov 30', '15:40', '15:41']);
    assert.deepEqual(
      inZhCn(() => timeAxisValues(splits, 60)),
      ['15:39\n11月30日', '15:40', '15:41'],
    );
  });

  it('seconds apart: the whole time on the first tick and each new minute, ":30" between; the day again after midnight', () => {
    const t = DAY0 + 23 * 3600 + 59 * 60;
    assert.deepEqual(inZhCn(() => timeAxisValues([t, t + 30, t + 60, t + 90], 30)), ['23:59:00\n11月30日', ':30', '00:00:00\n12月1日', ':30']);
    assert.deepEqual(inZhCn(() => timeAxisValues([DAY0, DAY0 + 86_400], 86_400)), ['11月30日', '12月1日']);
  });

  it("the legend's time under the cursor: day and time to the second, a dash for none", () => {
    assert.equal(inZhCn(() => momentText(DAY0 + 3600 + 2)), '11月30日 01:00:02');
    assert.equal(momentText(DAY0 + 3600 + 2), 'Nov 30 01:00:02');
    assert.equal(momentText(null), '—');
  });
});
