import * as assert from 'assert';
import { InstanceMetric, Metric } from '../../src/core/model';
import { ChatServer, procRssBytes, RealPrometheus, startChatServer, startPrometheus } from '../unit/helpers/realPrometheus';
import { monitorApi, waitFor, withWorkspaceSettings } from './support/monitorApi';

/** `… 12% · 148 MiB · 2/2 up` → its numbers. */
function parseServiceStatus(text: string): { cpuPercent: number; memoryMiB: number; up: number; of: number } | undefined {
  const m = /(\d+(?:\.\d+)?)\s*%\s*·\s*(\d+(?:\.\d+)?)\s*MiB\s*·\s*(\d+)\/(\d+) up$/.exec(text);
  return m ? { cpuPercent: Number(m[1]), memoryMiB: Number(m[2]), up: Number(m[3]), of: Number(m[4]) } : undefined;
}

// Debian's prometheus, started here on loopback, scraping two example servers started
// here; the extension reads it through chatroomMonitor.prometheus.* in the workspace.
describe('[untrusted] a Prometheus source in Restricted Mode', () => {
  it('[untrusted] a Prometheus off this machine is not read: the local process stays watched', async () => {
    const api = await monitorApi();
    const restore = await withWorkspaceSettings({ 'prometheus.url': 'http://192.0.2.1:9090', 'prometheus.job': 'chat' });
    try {
      await new Promise((r) => setTimeout(r, 3000));
      const t = api.targetState();
      assert.ok(t.kind === 'running' && t.service === undefined, `still the local process: ${JSON.stringify(t)}`);
    } finally {
      await restore();
    }
  });
});

describe('a Prometheus source in the extension host (real prometheus, two example servers)', function () {
  this.timeout(120_000);
  let servers: ChatServer[] = [];
  let prom: RealPrometheus | undefined;
  let restore: (() => Promise<void>) | undefined;

  before(async () => {
    servers = [await startChatServer(), await startChatServer()];
    prom = await startPrometheus({ chat: servers.map((s) => `127.0.0.1:${s.port}`) });
    // Some history in Prometheus before the extension reads it: the back-fill must bring it.
    await new Promise((r) => setTimeout(r, 8000));
  });

  after(async () => {
    await restore?.();
    await Promise.all(servers.map((s) => s.stop()));
    await prom?.stop();
  });

  it('shows the service total and 2/2 up, back-filled from before the watch began; a stopped server is 1/2 up with an instance-down alert', async () => {
    const api = await monitorApi();
    const configuredAt = Date.now();
    restore = await withWorkspaceSettings({ 'prometheus.url': prom!.url, 'prometheus.job': 'chat', 'prometheus.rateWindow': '10s' });
    const status = await waitFor('the status bar to show 2/2 up', () => {
      const v = parseServiceStatus(api.statusBar().text);
      return v && v.of === 2 && v.up === 2 ? v : undefined;
    }, 30_000, () => api.statusBar().text);
    const t = api.targetState();
    assert.ok(t.kind === 'running' && t.service?.source === 'prometheus', JSON.stringify(t));

    // The total is the sum of the two instances, and the memory that of /proc.
    const snap = api.latestSnapshot()!;
    const value = (name: string, instance?: string) => snap.samples.find((s) => s.name === name && (instance === undefined ? Object.keys(s.labels).length === 0 : s.labels['instance'] === instance))?.value;
    const instances = servers.map((s) => `127.0.0.1:${s.port}`);
    const perRss = instances.map((i) => value(InstanceMetric.rssBytes, i)!);
    assert.strictEqual(value(Metric.processRssBytes), perRss[0]! + perRss[1]!, 'the RSS total is the sum of the instances');
    const procSum = servers.reduce((n, s) => n + procRssBytes(s.pid), 0);
    const shownBytes = status.memoryMiB * 1048576;
    console.log(`      status bar ${api.statusBar().text}; /proc VmRSS sum ${(procSum / 1048576).toFixed(1)} MiB`);
    assert.ok(Math.abs(shownBytes - procSum) / procSum < 0.15, `status bar memory ${status.memoryMiB} MiB vs /proc ${procSum / 1048576} MiB (one scrape interval apart)`);
    // The tooltip shows instance names as inert text (invisible joiners keep them from becoming links).
    const tooltip = api.statusBar().tooltip.replace(/[\u2060\u200b\\]/g, '');
    for (const i of instances) assert.ok(tooltip.includes(i), `a tooltip row for ${i}: ${tooltip}`);

    // Back-fill: the store holds Prometheus' samples from before the setting was made.
    const span = api.seriesSpan(Metric.processRssBytes);
    // (query_range steps are history/600: 6 s for an hour, so one or two points precede the watch here.)
    assert.ok(span && span.firstMs < configuredAt, `back-filled before ${new Date(configuredAt).toISOString()}: ${JSON.stringify(span)}`);

    // One server stops: 1/2 up, the instance-down alert, the service still running.
    const gone = instances[1]!;
    await servers[1]!.stop();
    await waitFor('1/2 up in the status bar', () => / · 1\/2 up$/.test(api.statusBar().text), 20_000, () => api.statusBar().text);
    const alert = await waitFor('an instance-down alert', () => api.activeAlerts().find((a) => a.ruleId === 'instance-down' && a.state === 'firing'), 10_000, () => JSON.stringify(api.activeAlerts()));
    assert.strictEqual(alert.title, `Instance ${gone} is down`);
    assert.strictEqual(api.activeAlerts().filter((a) => a.ruleId === 'target-down').length, 0, 'the service is still running');
    assert.ok(api.targetState().kind === 'running');
  });

  it('a wrong job is one sentence in the status bar and tooltip, and the local process is watched again once the setting is cleared', async () => {
    const api = await monitorApi();
    await restore?.();
    restore = await withWorkspaceSettings({ 'prometheus.url': prom!.url, 'prometheus.job': 'no-such-job' });
    await waitFor('"no instance found"', () => /no instance found/.test(api.statusBar().text), 20_000, () => api.statusBar().text);
    assert.match(api.statusBar().tooltip, /no-such-job/);
    await restore();
    restore = undefined;
    await waitFor('the local server watched again', () => {
      const t = api.targetState();
      return t.kind === 'running' && t.service === undefined;
    }, 20_000, () => JSON.stringify(api.targetState()));
  });
});
