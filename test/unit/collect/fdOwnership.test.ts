import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { parseConfig } from '../../../src/core/config';
import { Metric } from '../../../src/core/model';
import { Monitor } from '../../../src/core/monitor';
import { createMonitorDeps } from '../../../src/core/monitorDeps';

/** Descriptors this process holds now. */
function openFds(): string[] {
  return readdirSync('/proc/self/fd');
}

/** Waits (bounded) for the loop to finish closing what was destroyed: socket closes complete a turn later. */
async function settle(until: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !until(); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('resource ownership', function () {
  if (process.platform !== 'linux') {
    return;
  }

  it('disposing a monitor closes every fd it opened (the owner closes them, not the garbage collector)', async () => {
    const body = '# TYPE chat_active_users gauge\nchat_active_users 3\n';
    const server = http.createServer((_req, res) => res.end(body));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const make = () => {
      const m = new Monitor(createMonitorDeps({ diskPath: '/' }));
      m.configure(parseConfig({ 'target.pid': process.pid, 'metrics.url': `http://127.0.0.1:${port}/metrics` }).config);
      return m;
    };
    try {
      // Machine-wide files (stat, meminfo, net/dev, uptime) stay open for the process' life: open them first.
      const warm = make();
      await warm.tickNow();
      warm.dispose();
      await settle(() => false);
      const before = openFds();

      const monitor = make();
      for (let i = 0; i < 3; i++) await monitor.tickNow();
      assert.equal(monitor.store.latestValue(Metric.processRssBytes)! > 0, true, 'it sampled this process');
      assert.equal(monitor.store.latestValue('chat_active_users'), 3, 'it scraped');
      assert.ok(openFds().length > before.length, 'while running it holds /proc fds and a kept-alive connection');
      monitor.dispose();
      await settle(() => openFds().length <= before.length);
      assert.deepEqual(openFds(), before);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
