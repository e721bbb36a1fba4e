import assert from 'node:assert/strict';
import { compileAlertRules } from '../../../src/core/alerts/defaults';
import { LocateResult, Locator } from '../../../src/core/collect/targetTracker';
import { parseConfig } from '../../../src/core/config';
import { Metric } from '../../../src/core/model';
import { Monitor } from '../../../src/core/monitor';
import { MonitorDashboardSource } from '../../../src/vscode/dashboard/monitorDashboardSource';
import { fakeClock } from '../helpers/fakeClock';

const locator: Locator = {
  locate: async (): Promise<LocateResult> => ({ ok: true, process: { pid: 9, commandLine: 'node s.js', executable: 'node', ports: [8080], startTimeMs: 1, reason: 'pid 9' } }),
  isSameProcess: async () => true,
};

describe('MonitorDashboardSource', () => {
  it('the header is never healthier than the firing alerts, and lists them', async () => {
    const clock = fakeClock();
    const cpu = { value: 10 };
    const monitor = new Monitor({
      clock,
      locator,
      createSources: () => [{ id: 'process', collect: async () => ({ samples: [{ name: Metric.processCpuPercent, labels: {}, value: cpu.value }, { name: Metric.processRssBytes, labels: {}, value: 50e6 }], problems: [] }) }],
    });
    monitor.configure(parseConfig({ 'target.port': 8080 }).config);
    monitor.setAlertRules(compileAlertRules([{ id: 'process-cpu-warning', threshold: 50, for: '2s' }], true).rules);
    const source = new MonitorDashboardSource(monitor, () => undefined, () => undefined, () => undefined);
    let changes = 0;
    source.onDidChange(() => changes++);
    monitor.start();
    // Five samples at least: fewer are too few to call the server healthy.
    await clock.tickAsync(6000);
    assert.equal(source.header().status, 'healthy');
    assert.equal(source.header().pid, 9);
    cpu.value = 70;
    await clock.tickAsync(4000);
    await monitor.stop();
    assert.equal(source.header().status, 'warning');
    assert.deepEqual(source.alerts().map((a) => [a.id.split('/')[0], a.state]), [['process-cpu-warning', 'firing']]);
    assert.ok(source.markers(0).some((m) => m.kind === 'alert' && m.level === 'warning'));
    assert.ok(changes >= 7, 'one change per tick');
    // The issues are the same array until the live analysis is made again: the session skips them unserialised.
    assert.equal(source.issues(), source.issues());
    source.dispose();
    monitor.dispose();
  });
});

describe('MonitorDashboardSource: Prometheus verdict', () => {
  it('the header carries the latest scrape verdict while Prometheus would reject it, and drops it once accepted', async () => {
    const clock = fakeClock();
    const reject = { on: true };
    const monitor = new Monitor({
      clock,
      locator,
      createSources: () => [
        { id: 'process', collect: async () => ({ samples: [{ name: Metric.processRssBytes, labels: {}, value: 50e6 }], problems: [] }) },
        {
          id: 'scrape',
          collect: async () => ({
            samples: [{ name: 'chat_active_users', labels: {}, value: 3 }],
            problems: [],
            prometheusVerdict: reject.on
              ? { accept: false, line: 14, reason: 'expected a valid start token, got "\\u202e" ("INVALID") while parsing: "\\u202e"', complete: true }
              : { accept: true, complete: true },
          }),
        },
      ],
    });
    monitor.configure(parseConfig({ 'target.port': 8080 }).config);
    const source = new MonitorDashboardSource(monitor, () => undefined, () => undefined, () => undefined);
    monitor.start();
    await clock.tickAsync(2000);
    assert.match(source.header().verdict ?? '', /^Prometheus would reject this scrape: line 14: expected a valid start token/);
    reject.on = false;
    await clock.tickAsync(2000);
    await monitor.stop();
    assert.equal(source.header().verdict, undefined);
    source.dispose();
    monitor.dispose();
  });
});

describe('MonitorDashboardSource: a service of many instances in the header', () => {
  it('names the instances up and where they are read from; a Prometheus service has no local pid to show', async () => {
    const clock = fakeClock();
    const service = { source: 'prometheus' as const, where: 'job "chat" in Prometheus at http://127.0.0.1:9090', instances: [{ instance: '127.0.0.1:9101', up: true }, { instance: '127.0.0.1:9102', up: false }], reachable: true };
    const monitor = new Monitor({
      clock,
      locator,
      createSources: () => [],
      createRemoteWatch: () => ({
        watch: {
          restartCount: 0,
          update: async () => ({
            state: { kind: 'running', process: { pid: 0, commandLine: '', executable: 'chat', ports: [], startTimeMs: 0, reason: 'Prometheus' }, service },
            samples: [{ name: Metric.processRssBytes, labels: {}, value: 50e6 }],
          }),
        },
        sources: [],
      }),
    });
    monitor.configure(parseConfig({ 'prometheus.url': 'http://127.0.0.1:9090', 'prometheus.job': 'chat' }).config);
    const source = new MonitorDashboardSource(monitor, () => undefined, () => undefined, () => undefined);
    monitor.start();
    await clock.tickAsync(2000);
    await monitor.stop();
    const h = source.header();
    assert.equal(h.pid, undefined, 'no "pid 0"');
    assert.equal(h.service, '1/2 up · job "chat" in Prometheus at http://127.0.0.1:9090');
    source.dispose();
    monitor.dispose();
  });
});

describe('MonitorDashboardSource: exemplars', () => {
  it('gives the exemplars a tick brought (since a time, with their series), and passes an exemplar picked to Show Traces with its trace', async () => {
    const clock = fakeClock();
    const id = 'c0ffee'.padEnd(32, '1');
    const monitor = new Monitor({
      clock,
      locator,
      createSources: () => [
        {
          id: 'metrics',
          collect: async (ctx) => ({
            samples: [{ name: 'chat_message_latency_seconds_p95', labels: {}, value: 0.2 }],
            problems: [],
            exemplars: [{ histogram: 'chat_message_latency_seconds', seriesKeys: ['chat_message_latency_seconds_p50', 'chat_message_latency_seconds_p95'], traceId: id, timeMs: ctx.nowMs, value: 0.25 }],
          }),
        },
      ],
    });
    monitor.configure(parseConfig({ 'target.port': 8080 }).config);
    const picked: [number, string | undefined][] = [];
    const source = new MonitorDashboardSource(monitor, () => undefined, () => undefined, (atMs, traceId) => picked.push([atMs, traceId]));
    monitor.start();
    await clock.tickAsync(2000);
    await monitor.stop();
    const all = source.exemplars(0);
    assert.ok(all.length >= 1, 'the tick\'s exemplars reach the dashboard source');
    assert.deepEqual(all.at(-1), { traceId: id, timeMs: all.at(-1)!.timeMs, value: 0.25, seriesKeys: ['chat_message_latency_seconds_p50', 'chat_message_latency_seconds_p95'] });
    assert.deepEqual(source.exemplars(all.at(-1)!.timeMs + 1), []);
    source.showTraces(all[0]!.timeMs, id);
    source.showTraces(5);
    assert.deepEqual(picked, [[all[0]!.timeMs, id], [5, undefined]]);
  });
});

describe('MonitorDashboardSource keeps its alerts and markers while nothing they show changed (issue 20)', () => {
  it('gives the same array tick after tick while no alert moves, and what a fresh source gives at every tick', async () => {
    // On the wall clock's time: the dashboard shows resolved alerts for 30 min of Date.now().
    const clock = fakeClock(Date.now());
    const cpu = { value: 10 };
    const monitor = new Monitor({
      clock,
      locator,
      createSources: () => [{ id: 'process', collect: async () => ({ samples: [{ name: Metric.processCpuPercent, labels: {}, value: cpu.value }, { name: Metric.processRssBytes, labels: {}, value: 50e6 }], problems: [] }) }],
    });
    monitor.configure(parseConfig({ 'target.port': 8080 }).config);
    monitor.setAlertRules(compileAlertRules([{ id: 'process-cpu-warning', threshold: 50, for: '2s' }], true).rules);
    // The timeline makes new objects on every call, as the extension's does; a moment comes at tick 12.
    const timeline = (fromMs: number) => (clock.now() >= start + 12_000 ? [{ kind: 'run' as const, fromMs: Math.max(fromMs, start + 11_000), label: 'npm start' }] : []);
    const start = clock.now();
    const source = new MonitorDashboardSource(monitor, () => undefined, () => undefined, () => undefined, timeline);
    monitor.start();
    let keptAlerts = 0;
    let keptMarkers = 0;
    let last: { alerts: unknown; markers: unknown } | undefined;
    // Quiet, then an alert pending, firing, resolved, quiet again; the range's start moves with the ticks.
    const cpuAt = (tick: number) => (tick >= 8 && tick < 14 ? 70 : 10);
    for (let tick = 0; tick < 24; tick++) {
      cpu.value = cpuAt(tick);
      await clock.tickAsync(1000);
      const fromMs = tick === 20 ? start : clock.now() - 5_000;
      const alerts = source.alerts();
      const markers = source.markers(fromMs);
      const fresh = new MonitorDashboardSource(monitor, () => undefined, () => undefined, () => undefined, timeline);
      assert.deepEqual(alerts, fresh.alerts(), `alerts at tick ${tick}`);
      assert.deepEqual(markers, fresh.markers(fromMs), `markers at tick ${tick}`);
      fresh.dispose();
      if (last?.alerts === alerts) keptAlerts++;
      if (last?.markers === markers) keptMarkers++;
      last = { alerts, markers };
    }
    await monitor.stop();
    assert.ok(source.alerts().some((a) => a.state === 'resolved'), 'the alert resolved');
    assert.ok(keptAlerts >= 10, `the same alerts array on quiet ticks (${keptAlerts})`);
    assert.ok(keptMarkers >= 5, `the same markers array on quiet ticks (${keptMarkers})`);
    source.dispose();
    monitor.dispose();
  });
});
