import * as assert from 'node:assert/strict';
import { formatBytes, formatDuration, formatNumber, formatPercent, formatRate, formatSeconds } from '../../../src/core/format';
import { inZhCn } from '../helpers/zhCn';

describe('format', () => {
  it('bytes in binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(148 * 1024 * 1024), '148 MiB');
    assert.equal(formatBytes(1.5 * 1024 ** 3), '1.5 GiB');
    assert.equal(formatBytes(NaN), '—');
  });

  it('percents, numbers and rates', () => {
    assert.equal(formatPercent(12.34), '12%');
    assert.equal(formatPercent(3.456), '3.5%');
    assert.equal(formatNumber(0.012345), '0.0123');
    assert.equal(formatNumber(123456), '123,456');
    assert.equal(formatRate(12.5), '12.5/s');
    assert.equal(formatRate(2048, 'bytes'), '2 KiB/s');
  });

  it('groups the thousands of large numbers as en-US does, without building an Intl formatter for them (issue 20: the status bar, every tick)', () => {
    const values = [1000, 1010.4, 1023.6, -1234.5, 12_345, 123_456, 1_234_567, -98_765_432.1, 2 ** 53 - 1, -(2 ** 53 - 1), 1e21, 5e300];
    const expected = values.map((v) => Math.round(v).toLocaleString('en-US'));
    const toLocaleString = Number.prototype.toLocaleString;
    let calls = 0;
    Number.prototype.toLocaleString = function (this: number, ...a: Parameters<typeof toLocaleString>) {
      calls++;
      return toLocaleString.apply(this, a);
    };
    let got: string[];
    try {
      got = values.map((v) => formatNumber(v));
    } finally {
      Number.prototype.toLocaleString = toLocaleString;
    }
    assert.deepEqual(got, expected);
    assert.equal(formatBytes(1010 * 1024 * 1024), '1,010 MiB');
    assert.equal(calls, 2, 'only beyond the safe integers (1e21, 5e300)');
  });

  it('durations with at most two units', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(45_000), '45 s');
    assert.equal(formatDuration(90_000), '1 min 30 s');
    assert.equal(formatDuration(12 * 60_000), '12 min');
    assert.equal(formatDuration(65 * 60_000), '1 h 5 min');
    assert.equal(formatDuration(51 * 3_600_000), '2 d 3 h');
    assert.equal(formatSeconds(0.0123), '12.3 ms');
    assert.equal(formatSeconds(0.00085), '850 µs');
  });

  it('durations read as Chinese in the zh-cn display language (not "1 h 47 min" inside a Chinese sentence)', () => {
    inZhCn(() => {
      assert.equal(formatDuration(850), '850 毫秒');
      assert.equal(formatDuration(45_000), '45 秒');
      assert.equal(formatDuration(90_000), '1 分 30 秒');
      assert.equal(formatDuration(12 * 60_000), '12 分钟');
      assert.equal(formatDuration(107 * 60_000), '1 小时 47 分');
      assert.equal(formatDuration(2 * 3_600_000), '2 小时');
      assert.equal(formatDuration(51 * 3_600_000), '2 天 3 小时');
    });
    assert.equal(formatDuration(107 * 60_000), '1 h 47 min');
  });
});
