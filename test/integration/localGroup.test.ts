import * as assert from 'assert';
import { InstanceMetric, Metric } from '../../src/core/model';
import { ChatServer, procRssBytes, startChatServer } from '../unit/helpers/realPrometheus';
import { monitorApi, waitFor, withWorkspaceSettings } from './support/monitorApi';

// Two example servers started here, watched by the extension as one service through
// chatroomMonitor.target.ports: an instance a port, summed, "2/2 up"; one stopped is
// "1/2 up" with an instance-down alert.
describe('many local processes as one service in the extension host (two example servers, target.ports)', function () {
  this.timeout(90_000);
  let servers: ChatServer[] = [];
  let restore: (() => Promise<void>) | undefined;

  before(async () => {
    // In port order: the instances are listed so.
    servers = (await Promise.all([startChatServer(), startChatServer()])).sort((a, b) => a.port - b.port);
  });

  after(async () => {
    await restore?.();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('the status bar shows their total and 2/2 up, a tooltip row a port; a stopped server is 1/2 up with an instance-down alert', async () => {
    const api = await monitorApi();
    restore = await withWorkspaceSettings({ 'target.ports': servers.map((s) => s.port) });
    const instances = servers.map((s) => `port ${s.port}`);
    await waitFor('the status bar to show 2/2 up', () => / · 2\/2 up$/.test(api.statusBar().text), 30_000, () => api.statusBar().text);
    const t = api.targetState();
    assert.ok(t.kind === 'running' && t.service?.source === 'local', JSON.stringify(t));
    assert.deepStrictEqual(
      t.service.instances.map((i) => [i.instance, i.pid]),
      servers.map((s) => [`port ${s.port}`, s.pid]),
    );
    // A tick where both were sampled: the total is the sum of the instances, and of /proc.
    const snap = await waitFor('a tick with both instances sampled', () => {
      const s = api.latestSnapshot();
      return s && instances.every((i) => s.samples.some((x) => x.name === InstanceMetric.rssBytes && x.labels['instance'] === i)) ? s : undefined;
    }, 10_000);
    const value = (name: string, instance?: string) => snap.samples.find((s) => s.name === name && (instance === undefined ? Object.keys(s.labels).length === 0 : s.labels['instance'] === instance))?.value;
    const perRss = instances.map((i) => value(InstanceMetric.rssBytes, i)!);
    assert.strictEqual(value(Metric.processRssBytes), perRss[0]! + perRss[1]!, 'the RSS total is the sum of the instances');
    const procSum = servers.reduce((n, s) => n + procRssBytes(s.pid), 0);
    console.log(`      status bar ${api.statusBar().text}; instances ${perRss.map((b) => (b / 1048576).toFixed(1)).join(' + ')} MiB; /proc VmRSS sum ${(procSum / 1048576).toFixed(1)} MiB`);
    assert.ok(Math.abs(perRss[0]! + perRss[1]! - procSum) / procSum < 0.1, `RSS ${perRss} vs /proc ${procSum}`);
    const tooltip = api.statusBar().tooltip.replace(/[\u2060\u200b\\]/g, '');
    for (const i of instances) assert.ok(tooltip.includes(i), `a tooltip row for ${i}: ${tooltip}`);

    await servers[1]!.stop();
    await waitFor('1/2 up in the status bar', () => / · 1\/2 up$/.test(api.statusBar().text), 20_000, () => api.statusBar().text);
    const alert = await waitFor('an instance-down alert', () => api.activeAlerts().find((a) => a.ruleId === 'instance-down' && a.state === 'firing'), 10_000, () => JSON.stringify(api.activeAlerts()));
    assert.strictEqual(alert.title, `Instance ${instances[1]} is down`);
    assert.ok(api.targetState().kind === 'running');

    await restore();
    restore = undefined;
    await waitFor('the single configured server watched again', () => {
      const s = api.targetState();
      return s.kind === 'running' && s.service === undefined;
    }, 20_000, () => JSON.stringify(api.targetState()));
  });
});

// Issue 18's local multi-process check in the real extension host: the example server with
// WEB_CONCURRENCY=3 watched by its port is one service of 4 processes (primary + workers).
describe('a cluster server in the extension host (WEB_CONCURRENCY=3, target.port, the process tree)', function () {
  this.timeout(90_000);
  let server: ChatServer | undefined;
  let restore: (() => Promise<void>) | undefined;

  after(async () => {
    await restore?.();
    await server?.stop();
  });

  it('is watched as one service of 4 processes: 4/4 up, a row a process, the totals the sums of the processes', async () => {
    const api = await monitorApi();
    server = await startChatServer([], { WEB_CONCURRENCY: '3' });
    restore = await withWorkspaceSettings({ 'target.port': server.port });
    await waitFor('the status bar to show 4/4 up', () => / · 4\/4 up$/.test(api.statusBar().text), 40_000, () => api.statusBar().text);
    const t = api.targetState();
    assert.ok(t.kind === 'running' && t.service?.source === 'local', JSON.stringify(t));
    assert.strictEqual(t.service.instances[0]!.pid, server.child.pid, 'the primary first');
    const instances = t.service.instances.map((i) => i.instance);
    const snap = await waitFor('a tick with the 4 processes sampled', () => {
      const s = api.latestSnapshot();
      return s && instances.every((i) => s.samples.some((x) => x.name === InstanceMetric.rssBytes && x.labels['instance'] === i)) ? s : undefined;
    }, 10_000);
    const rss = (instance?: string) => snap.samples.find((s) => s.name === (instance ? InstanceMetric.rssBytes : Metric.processRssBytes) && (instance ? s.labels['instance'] === instance : Object.keys(s.labels).length === 0))?.value;
    const per = instances.map((i) => rss(i)!);
    assert.strictEqual(rss(), per.reduce((a, b) => a + b, 0), 'the RSS total is the sum of the processes');
    const procSum = t.service.instances.reduce((n, i) => n + procRssBytes(i.pid!), 0);
    console.log(`      status bar ${api.statusBar().text}; ${per.map((b) => (b / 1048576).toFixed(1)).join(' + ')} MiB; /proc VmRSS sum ${(procSum / 1048576).toFixed(1)} MiB`);
    assert.ok(Math.abs(rss()! - procSum) / procSum < 0.1, `RSS total ${rss()} vs /proc ${procSum}`);
  });
});

