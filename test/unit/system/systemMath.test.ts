import assert from 'node:assert/strict';
import { netRatesBetween, NetReading, systemCpuPercentBetween } from '../../../src/core/system/systemMath';
import { diskUsageOf } from '../../../src/core/system/diskUsage';
import { parseCpuTimes, parseNetDev } from '../../../src/core/process/procfs';

function netDev(rows: Record<string, [number, number]>): string {
  const head = 'Inter-|   Receive |  Transmit\n face |bytes    packets|bytes    packets\n';
  return head + Object.entries(rows).map(([n, [rx, tx]]) => `  ${n}: ${rx} 1 0 0 0 0 0 0 ${tx} 1 0 0 0 0 0 0`).join('\n');
}

function reading(atMs: number, rows: Record<string, [number, number]>): NetReading {
  return { atMs, interfaces: parseNetDev(netDev(rows)) };
}

describe('systemMath', () => {
  it('system CPU % is the busy share of the tick delta, 100 = the whole machine', () => {
    const a = parseCpuTimes('cpu  1000 0 500 8000 500 0 0 0 0 0\n')!;
    const b = parseCpuTimes('cpu  1300 0 600 8500 600 0 0 0 0 0\n')!;
    // total +1000, idle+iowait +600 → 40% busy.
    assert.equal(systemCpuPercentBetween(a, b), 40);
    assert.equal(systemCpuPercentBetween(a, a), undefined);
  });

  it('network rate is bytes over elapsed seconds, not over the number of samples', () => {
    // Two readings 4 s apart: 8000 bytes received is 2000 B/s whatever the sample count.
    const r = netRatesBetween(reading(10_000, { eth0: [1000, 500] }), reading(14_000, { eth0: [9000, 4500] }));
    assert.deepEqual(r, { rxBytesPerSecond: 2000, txBytesPerSecond: 1000 });
    // Same deltas over 0.5 s: the rate scales with time.
    const fast = netRatesBetween(reading(0, { eth0: [0, 0] }), reading(500, { eth0: [8000, 4000] }));
    assert.deepEqual(fast, { rxBytesPerSecond: 16000, txBytesPerSecond: 8000 });
  });

  it('sums interfaces but leaves out loopback', () => {
    const r = netRatesBetween(
      reading(0, { lo: [0, 0], eth0: [0, 0], wlan0: [0, 0] }),
      reading(1000, { lo: [1e9, 1e9], eth0: [100, 10], wlan0: [200, 20] }),
    );
    assert.deepEqual(r, { rxBytesPerSecond: 300, txBytesPerSecond: 30 });
  });

  it('skips an interval whose counter went backwards (reset or wrap) instead of reporting a negative or huge rate', () => {
    const r = netRatesBetween(reading(0, { eth0: [5000, 100] }), reading(1000, { eth0: [10, 300] }));
    assert.deepEqual(r, { rxBytesPerSecond: undefined, txBytesPerSecond: 200 });
  });

  it('ignores interfaces that appeared or vanished between readings', () => {
    const r = netRatesBetween(reading(0, { eth0: [0, 0], veth1: [0, 0] }), reading(1000, { eth0: [50, 5], docker0: [1e12, 1e12] }));
    assert.deepEqual(r, { rxBytesPerSecond: 50, txBytesPerSecond: 5 });
  });

  it('gives no rate when no time passed', () => {
    assert.deepEqual(netRatesBetween(reading(1000, { eth0: [0, 0] }), reading(1000, { eth0: [9, 9] })), {});
  });

  it('disk usage is computed like df: used / (used + available to users)', () => {
    // 1000 blocks of 4 KiB, 300 free of which 250 available to non-root.
    const d = diskUsageOf({ bsize: 4096, blocks: 1000, bfree: 300, bavail: 250 });
    assert.equal(d.usedBytes, 700 * 4096);
    assert.equal(d.totalBytes, 1000 * 4096);
    assert.equal(d.percent, (700 / 950) * 100);
  });
});
