import assert from 'node:assert/strict';
import { compileAlertRules } from '../../src/core/alerts/defaults';
import { FORECAST_METRIC } from '../../src/core/alerts/rule';
import { LocateResult, Locator } from '../../src/core/collect/targetTracker';
import { TickSource } from '../../src/core/collect/tickSource';
import { parseConfig, RawSettings } from '../../src/core/config';
import { changedSettings } from '../../src/core/settings/settings';
import { Metric, TargetProcess } from '../../src/core/model';
import { Monitor } from '../../src/core/monitor';
import { buildMonitorReport } from '../../src/core/report/monitorReport';
import { renderMarkdown } from '../../src/core/report/markdown';
import { fakeClock } from './helpers/fakeClock';

const proc: TargetProcess = { pid: 7, commandLine: 'node server.js', executable: 'node', ports: [8080], startTimeMs: 1, reason: 'pid 7 listens on port 8080' };

class FixedLocator implements Locator {
  up = true;
  async locate(): Promise<LocateResult> {
    return this.up ? { ok: true, process: proc } : { ok: false, message: 'No process listens on TCP port 8080.', setting: 'chatroomMonitor.target.port' };
  }
  async isSameProcess(): Promise<boolean> {
    return this.up;
  }
}

/** A process source whose values the test sets: CPU and a steadily growing RSS. */
function scriptedProcess(state: { cpu: number; rss: number }): TickSource {
  return {
    id: 'process',
    collect: async (ctx) =>
      ctx.target.kind === 'running'
        ? {
            samples: [
              { name: Metric.processCpuPercent, labels: {}, value: state.cpu },
              { name: Metric.processRssBytes, labels: {}, value: state.rss },
            ],
            problems: [],
          }
        : { samples: [], problems: [] },
  };
}

function setup(extra: Record<string, unknown> = {}) {
  const clock = fakeClock();
  const locator = new FixedLocator();
  const state = { cpu: 10, rss: 100e6 };
  const monitor = new Monitor({ clock, locator, createSources: () => [scriptedProcess(state)] });
  monitor.configure(parseConfig({ 'target.port': 8080, 'history.minutes': 30, ...extra }).config);
  return { clock, locator, state, monitor };
}

describe('Monitor', () => {
  it('evaluates alert rules every tick, before the snapshot event', async () => {
    const { clock, state, monitor } = setup();
    monitor.setAlertRules(compileAlertRules([], true).rules);
    const firingAtSnapshot: string[][] = [];
    monitor.onSnapshot(() => firingAtSnapshot.push(monitor.alerts.active().filter((a) => a.state === 'firing').map((a) => a.ruleId)));
    monitor.start();
    state.cpu = 97;
    await clock.tickAsync(35_000);
    await monitor.stop();
    const last = firingAtSnapshot.at(-1)!;
    assert.ok(last.includes('process-cpu-warning') && last.includes('process-cpu-critical'), `both CPU rules fire at 97%: ${last.join(', ')}`);
  });

  it('raises the server-down alert when the target disappears', async () => {
    const { clock, locator, monitor } = setup();
    monitor.setAlertRules(compileAlertRules([], true).rules);
    monitor.start();
    await clock.tickAsync(2000);
    locator.up = false;
    await clock.tickAsync(8000);
    await monitor.stop();
    assert.deepEqual(
      monitor.alerts.active().filter((a) => a.state === 'firing').map((a) => a.ruleId),
      ['target-down'],
    );
  });

  it('publishes forecast series for forecast rules, so they can fire', async () => {
    const { clock, state, monitor } = setup();
    const { rules, problems } = compileAlertRules([{ kind: 'forecast', metric: Metric.processRssBytes, limit: 400e6, within: '10m', level: 'warning' }], false);
    assert.deepEqual(problems, []);
    monitor.setAlertRules(rules);
    monitor.start();
    for (let i = 0; i < 240; i++) {
      state.rss += 1e6; // +1 MB/s: 400 MB is about 4 min away at the end
      await clock.tickAsync(1000);
    }
    await monitor.stop();
    const forecast = monitor.store.select(FORECAST_METRIC);
    assert.equal(forecast.length, 1);
    const eta = monitor.store.latest(forecast[0]!.key)!.value;
    assert.ok(eta > 30 && eta < 120, `seconds to 400 MB ≈ 60, got ${eta}`);
    assert.ok(monitor.alerts.active().some((a) => a.state === 'firing' && a.ruleId.startsWith('forecast')), 'the forecast rule fires');
  });

  it('analysis is pure: reports over other windows change nothing the status bar or dashboard read', async () => {
    // Two monitors fed the same samples; one is asked for reports (5 min, 30 min, 1 h, all) every 20 s.
    const a = setup({ 'analysis.memoryLimitMb': 400 });
    const b = setup({ 'analysis.memoryLimitMb': 400 });
    const seen = { a: [] as string[], b: [] as string[] };
    const record = (m: Monitor, into: string[]) => m.onSnapshot(() => into.push(JSON.stringify([m.shownForecasts, m.liveAnalysis().status, m.liveAnalysis().window])));
    record(a.monitor, seen.a);
    record(b.monitor, seen.b);
    a.monitor.start();
    b.monitor.start();
    for (let i = 0; i < 420; i++) {
      if (i >= 240) {
        a.state.rss += 1e6; // heading for the 400 MB limit: a forecast appears after 3 live evaluations
        b.state.rss += 1e6;
      }
      await a.clock.tickAsync(1000);
      await b.clock.tickAsync(1000);
      if (i % 20 === 0) {
        const first = a.monitor.analyze(5 * 60_000);
        for (const w of ['5m', '30m', '1h'] as const) buildMonitorReport(a.monitor, w, a.clock.now());
        a.monitor.analyze('all');
        assert.deepEqual(a.monitor.analyze(5 * 60_000), first, 'same window, same result, whatever ran before');
      }
    }
    await a.monitor.stop();
    await b.monitor.stop();
    assert.ok(b.monitor.shownForecasts.length > 0, 'the forecast is shown by the end');
    assert.deepEqual(seen.a, seen.b);
    assert.deepEqual(a.monitor.analyze(15 * 60_000), b.monitor.analyze(15 * 60_000));
  });

  it('keeps history across a settings change that keeps the target and size, and drops it for a new target', async () => {
    const { clock, monitor } = setup();
    monitor.start();
    await clock.tickAsync(5000);
    const before = monitor.store.length(Metric.processCpuPercent);
    monitor.configure(parseConfig({ 'target.port': 8080, 'history.minutes': 30, 'target.name': 'chat' }).config);
    assert.equal(monitor.store.length(Metric.processCpuPercent), before, 'a new name keeps the charts');
    monitor.configure(parseConfig({ 'target.port': 9090, 'history.minutes': 30 }).config);
    assert.equal(monitor.store.length(Metric.processCpuPercent), 0, 'a new target starts empty');
    await monitor.stop();
  });

  it('change-only reconfiguration: editing an alert rule does not restart collection; a collection setting does', async () => {
    const clock = fakeClock();
    const sources: number[] = [];
    const state = { cpu: 10, rss: 100e6 };
    const monitor = new Monitor({ clock, locator: new FixedLocator(), createSources: () => (sources.push(1), [scriptedProcess(state)]) });
    let raw: RawSettings = { 'target.port': 8080 };
    let previous: RawSettings | undefined;
    const apply = (next: RawSettings) => {
      raw = next;
      monitor.applySettings({ parsed: parseConfig(raw), changed: new Set(changedSettings(previous, raw)) });
      previous = raw;
    };
    apply(raw);
    monitor.start();
    await clock.tickAsync(3000);
    const generation = monitor.collectorGeneration;
    const ticks = monitor.latestSnapshot!.tick;
    assert.equal(monitor.alertRules.length, 10, 'the built-in rules (instance-down and operation-latency-p95 included)');

    apply({ ...raw, 'alerts.rules': [{ id: 'many-users', metric: 'chat_active_users', op: '>', threshold: 200, level: 'info', for: '1h30m' }] });
    apply({ ...raw, 'alerts.minimumLevel': 'error', 'report.defaultWindow': '5m' });
    assert.equal(monitor.collectorGeneration, generation, 'no new collector for alert, notification or report settings');
    assert.equal(sources.length, 1, 'sources were built once');
    assert.equal(monitor.alertRules.length, 11, 'the rule edit took effect');
    await clock.tickAsync(2000);
    assert.ok(monitor.latestSnapshot!.tick > ticks, 'the same collector kept ticking');

    apply({ ...raw, sampleIntervalMs: 2000 });
    assert.equal(monitor.collectorGeneration, generation + 1, 'a collection setting rebuilds collection');
    assert.equal(monitor.alertRules.length, 11, 'a collection change leaves the rules alone');
    await monitor.stop();
    monitor.dispose();
  });

  it("the tick's live analysis scans every series for the earliest sample once, not every tick (an analysis of everything kept does each time)", async () => {
    // At 10,000 scraped series that scan was ~280 KiB of garbage a tick in the first
    // ticks (issue 11: garbage that keeps V8's young generation large). The live
    // analysis looks once, to know when the samples span a forecast's minimum.
    const { clock, monitor } = setup();
    monitor.setAlertRules(compileAlertRules([], true).rules);
    const store = monitor.store;
    let scans = 0;
    const earliest = store.earliestTimeMs.bind(store);
    store.earliestTimeMs = () => {
      scans++;
      return earliest();
    };
    monitor.start();
    await clock.tickAsync(30_000);
    await monitor.stop();
    assert.equal(monitor.latestSnapshot?.tick, 31);
    assert.ok(monitor.liveAnalysis().sampleCount > 0, 'the live analysis read the ticks');
    assert.equal(scans, 1);
    monitor.analyze('all');
    assert.ok(scans > 0, 'everything kept still starts at the earliest sample');
  });

  it("the tick looks for scrape_up only when the scrape raised a problem: the report's last failure is a failed scrape's sentence, not a warning's", async () => {
    const clock = fakeClock();
    const scrape = { up: 0, problem: 'http://127.0.0.1:8080/metrics answered HTTP 500.' };
    /** Reads of a sample's name while armed: after the store's write, before the snapshot reaches listeners. */
    let armed = false;
    let namesReadAfterStore = 0;
    const sample = (name: string, value: number) => ({
      labels: {},
      value,
      get name() {
        if (armed) namesReadAfterStore++;
        return name;
      },
    });
    const metrics: TickSource = {
      id: 'metrics',
      collect: async () => ({
        samples: [sample('chat_messages_total', 5), sample(Metric.scrapeUp, scrape.up)],
        problems: scrape.problem ? [{ source: 'metrics', message: scrape.problem }] : [],
      }),
    };
    const monitor = new Monitor({ clock, locator: new FixedLocator(), createSources: () => [scriptedProcess({ cpu: 10, rss: 100e6 }), metrics] });
    monitor.configure(parseConfig({ 'target.port': 8080, 'history.minutes': 30 }).config);
    const store = monitor.store;
    const append = store.append.bind(store);
    store.append = (...args) => {
      const refused = append(...args);
      armed = true;
      return refused;
    };
    monitor.onSnapshot(() => (armed = false));
    const lastFailure = () => monitor.analyze('all').issues.find((i) => i.id === 'scrape-failing')?.evidence.find((e) => e.label === 'Last failure')?.value;
    monitor.start();
    await clock.tickAsync(3000);
    assert.equal(lastFailure(), 'http://127.0.0.1:8080/metrics answered HTTP 500.');
    // A scrape that works with a bad line skipped: a warning, which the report does not quote as the failure.
    Object.assign(scrape, { up: 1, problem: 'http://127.0.0.1:8080/metrics has a bad line, skipped.' });
    await clock.tickAsync(3000);
    assert.equal(lastFailure(), 'http://127.0.0.1:8080/metrics answered HTTP 500.');
    // The usual tick, no scrape problem: no sample is looked at after the store's write.
    Object.assign(scrape, { problem: '' });
    namesReadAfterStore = 0;
    await clock.tickAsync(5000);
    await monitor.stop();
    monitor.dispose();
    assert.equal(namesReadAfterStore, 0);
  });

  it('builds a report with real figures, never throwing on an empty store', async () => {
    const { clock, monitor } = setup();
    const empty = renderMarkdown(buildMonitorReport(monitor, '5m', clock.now()));
    assert.match(empty, /performance report/i);
    monitor.setAlertRules(compileAlertRules([], true).rules);
    monitor.start();
    await clock.tickAsync(10_000);
    await monitor.stop();
    const report = buildMonitorReport(monitor, 'all', clock.now());
    assert.equal(report.target.pid, 7);
    assert.match(renderMarkdown(report), /## The server/);
  });
});
