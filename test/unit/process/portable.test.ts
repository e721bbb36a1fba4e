import assert from 'node:assert/strict';
import { PortableProcessLocator } from '../../../src/core/process/locatorPortable';
import { PortableProcessSampler } from '../../../src/core/process/processSamplerPortable';
import { PortableSystemSampler } from '../../../src/core/system/systemSamplerPortable';
import { killAllChildren, sleep, startServer, stopChild } from './helpers/children';

// The fallbacks for platforms without /proc also run on Linux (systeminformation
// and pidusage support it), so they are tested here against the same real servers.
describe('portable fallbacks (systeminformation, pidusage)', function () {
  this.timeout(60_000);

  afterEach(killAllChildren);

  it('the locator finds a server by port and by pid, and says when a port is free', async () => {
    const { child, port } = await startServer('chatmon-portable');
    const loc = new PortableProcessLocator();
    const byPort = await loc.locate({ port });
    assert.ok(byPort.ok, JSON.stringify(byPort));
    assert.equal(byPort.process.pid, child.pid);
    assert.match(byPort.process.reason, new RegExp(`^pid ${child.pid} \\(.*\\) listens on port ${port} \\(chatroomMonitor\\.target\\.port\\)\\.$`));
    assert.ok(await loc.isSameProcess(child.pid, byPort.process.startTimeMs));
    assert.ok((await loc.listCandidates()).some((c) => c.pid === child.pid && c.ports.includes(port)));
    await stopChild(child);
    assert.equal(await loc.isSameProcess(child.pid, byPort.process.startTimeMs), false);
    const free = await loc.locate({ port });
    assert.ok(!free.ok);
    assert.equal(free.message, `No process listens on TCP port ${port} (chatroomMonitor.target.port). Start the chat server, or change the port.`);
    const bad = await loc.locate({ commandPattern: '(' });
    assert.ok(!bad.ok && bad.setting === 'chatroomMonitor.target.commandPattern');
  });

  it('the process sampler gives RSS, CPU from the second sample, and "gone" after exit', async () => {
    const { child } = await startServer('chatmon-portable');
    const s = new PortableProcessSampler();
    const first = await s.sample(child.pid, 0);
    assert.equal(first.kind, 'ok', JSON.stringify(first));
    assert.ok(first.kind === 'ok' && first.stats.cpuPercent === undefined && first.stats.rssBytes > 1e6);
    await sleep(200);
    const second = await s.sample(child.pid, 0);
    assert.ok(second.kind === 'ok' && typeof second.stats.cpuPercent === 'number', JSON.stringify(second));
    await stopChild(child);
    assert.equal((await s.sample(child.pid, 0)).kind, 'gone');
  });

  it('the system sampler gives memory and disk, and CPU and network from the second sample', async () => {
    const s = new PortableSystemSampler({ diskPath: '/tmp' });
    const first = await s.sample(0);
    assert.ok(first.kind === 'ok', JSON.stringify(first));
    assert.ok(first.stats.memoryTotalBytes > 0 && first.stats.diskTotalBytes! > 0);
    assert.equal(first.stats.cpuPercent, undefined);
    await sleep(200);
    const second = await s.sample(0);
    assert.ok(second.kind === 'ok' && typeof second.stats.cpuPercent === 'number' && typeof second.stats.netRxBytesPerSecond === 'number');
  });
});
