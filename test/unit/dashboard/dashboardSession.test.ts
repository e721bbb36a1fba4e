import assert from 'node:assert/strict';
import { Emitter } from '../../../src/core/events';
import { Metric, Sample } from '../../../src/core/model';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { AlertDto, ExemplarDto, HeaderDto, HostToWebview, isHostToWebview, MarkerDto, MAX_EXEMPLARS } from '../../../src/shared/protocol';
import { DashboardSession, WebviewPort } from '../../../src/vscode/dashboard/dashboardSession';
import { DashboardSource } from '../../../src/vscode/dashboard/dashboardSource';
import { StoreChartFeed } from '../../../src/vscode/dashboard/storeDashboardSource';

const T0 = Date.UTC(2026, 0, 1);

/** A page stand-in: records what the host posts and lets the test send messages. */
class RecordingPort implements WebviewPort {
  readonly sent: HostToWebview[] = [];
  readonly incoming = new Emitter<unknown>();
  readonly onDidReceiveMessage = this.incoming.event;
  postMessage(message: HostToWebview): PromiseLike<boolean> {
    // Everything the host sends must pass the page's own validator.
    assert.ok(isHostToWebview(message), `invalid ${message.type}`);
    this.sent.push(message);
    return Promise.resolve(true);
  }
  types(): string[] {
    return this.sent.map((m) => m.type);
  }
  last<T extends HostToWebview['type']>(type: T): Extract<HostToWebview, { type: T }> | undefined {
    return [...this.sent].reverse().find((m) => m.type === type) as Extract<HostToWebview, { type: T }> | undefined;
  }
}

/** A DashboardSource over a real SeriesStore; alerts and header set by the test. */
class StoreSource implements DashboardSource {
  readonly store = new SeriesStore(3600);
  readonly feed = new StoreChartFeed(this.store, { intervalMs: 1000 });
  readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  readonly intervalMs = 1000;
  readonly maxPoints = 3600;
  headerDto: HeaderDto = { name: 'chat', pid: 42, status: 'healthy', state: 'running' };
  alertList: AlertDto[] = [];
  markerList: MarkerDto[] = [];
  snoozed: [string, number][] = [];
  reports = 0;
  comparisons = 0;
  markerFrom: number[] = [];
  latestTimeMs = (): number => this.store.latestTimeMs;
  header = (): HeaderDto => this.headerDto;
  catalogue = () => this.feed.catalogue();
  window = (keys: readonly string[], fromMs: number, plotWidthPx?: number) => this.feed.window(keys, fromMs, plotWidthPx);
  pointsSince = (keys: readonly string[], afterMs: number) => this.feed.pointsSince(keys, afterMs);
  alerts = (): AlertDto[] => this.alertList;
  issues = () => [];
  markers = (fromMs: number): MarkerDto[] => {
    this.markerFrom.push(fromMs);
    return this.markerList;
  };
  snooze = (id: string, minutes: number): void => {
    this.snoozed.push([id, minutes]);
  };
  compareRuns = (): void => {
    this.comparisons++;
  };
  exemplarList: ExemplarDto[] = [];
  exemplars = (fromMs: number): ExemplarDto[] => this.exemplarList.filter((e) => e.timeMs >= fromMs);
  tracesAt: number[] = [];
  tracesOf: (string | undefined)[] = [];
  showTraces = (atMs: number, traceId?: string): void => {
    this.tracesAt.push(atMs);
    this.tracesOf.push(traceId);
  };
  showReport = (): void => {
    this.reports++;
  };

  tick(timeMs: number, samples: Sample[]): void {
    this.store.append(timeMs, samples);
    this.changed.fire();
  }
}

function ownSamples(i: number): Sample[] {
  return [
    { name: Metric.processCpuPercent, labels: {}, value: i },
    { name: Metric.processRssBytes, labels: {}, value: 1e8 + i },
    { name: 'chat_active_users', labels: {}, value: 10 + i },
    { name: 'chat_rooms', labels: {}, value: 3 },
  ];
}

function setup(): { port: RecordingPort; source: StoreSource; session: DashboardSession; logs: string[] } {
  const port = new RecordingPort();
  const source = new StoreSource();
  const logs: string[] = [];
  const session = new DashboardSession(port, source, (m) => logs.push(m));
  return { port, source, session, logs };
}

describe('DashboardSession', () => {
  it('sends nothing before ready, then one init with the window of data', () => {
    const { port, source } = setup();
    for (let i = 0; i < 10; i++) {
      source.tick(T0 + i * 1000, ownSamples(i));
    }
    assert.deepEqual(port.sent, []);
    port.incoming.fire({ type: 'ready' });
    assert.deepEqual(port.types(), ['init']);
    const init = port.last('init')!;
    assert.equal(init.columns.x.length, 10);
    assert.equal(init.header.pid, 42);
    assert.equal(init.range, '5m');
    // Fixed charts, tiles and the default pick are sent; the unpicked server series is not.
    assert.ok(init.columns.keys.includes(Metric.processCpuPercent));
    assert.ok(init.columns.keys.includes('chat_active_users'));
    assert.ok(!init.columns.keys.includes('chat_rooms'));
    assert.deepEqual(init.ui.selectedSeries, ['chat_active_users']);
  });

  it('appends only the new points, once per tick, and skips unchanged header and alerts', () => {
    const { port, source } = setup();
    source.tick(T0, ownSamples(0));
    port.incoming.fire({ type: 'ready' });
    source.tick(T0 + 1000, ownSamples(1));
    source.tick(T0 + 2000, ownSamples(2));
    assert.deepEqual(port.types(), ['init', 'append', 'append']);
    const a = port.last('append')!;
    assert.deepEqual(a.columns.x, [(T0 + 2000) / 1000]);
    // The new points alone: the series are the init's, in its order (issue 20: the keys were two thirds of a tick's append).
    assert.deepEqual(Object.keys(a.columns), ['x', 'y']);
    assert.equal(a.columns.y.length, port.last('init')!.columns.keys.length);
    source.headerDto = { ...source.headerDto, uptimeSeconds: 5 };
    source.alertList = [{ id: 'cpu', level: 'warning', state: 'firing', title: 'CPU', message: 'high', sinceMs: T0, inhibited: false }];
    source.tick(T0 + 3000, ownSamples(3));
    assert.deepEqual(port.types().slice(3), ['append', 'header', 'alerts']);
  });

  it('uses the range and pick the page restored in ready, and ignores picks of unknown series', () => {
    const { port, source } = setup();
    for (let i = 0; i < 120; i++) {
      source.tick(T0 + i * 1000, ownSamples(i));
    }
    port.incoming.fire({ type: 'ready', range: '1m', selectedSeries: ['chat_rooms', 'nope'] });
    const init = port.last('init')!;
    assert.equal(init.range, '1m');
    assert.equal(init.columns.x.length, 61);
    assert.deepEqual(init.ui.selectedSeries, ['chat_rooms']);
    assert.ok(init.columns.keys.includes('chat_rooms'));
  });

  it('answers setRange and selectSeries with a fresh window, and markers for the new range', () => {
    const { port, source } = setup();
    for (let i = 0; i < 120; i++) {
      source.tick(T0 + i * 1000, ownSamples(i));
    }
    port.incoming.fire({ type: 'ready', range: '1m' });
    source.markerList = [{ kind: 'alert', fromMs: T0, level: 'warning' }];
    port.incoming.fire({ type: 'setRange', range: 'all' });
    assert.equal(port.last('window')!.columns.x.length, 120);
    assert.equal(port.last('markers')!.markers.length, 1);
    assert.equal(source.markerFrom.at(-1), Number.NEGATIVE_INFINITY);
    port.incoming.fire({ type: 'selectSeries', keys: ['chat_rooms'] });
    assert.ok(port.last('window')!.columns.keys.includes('chat_rooms'));
  });

  it('passes snooze, openReport, compareRuns and showTraces (a point picked on a chart) to the source', () => {
    const { port, source, logs } = setup();
    port.incoming.fire({ type: 'ready' });
    port.incoming.fire({ type: 'snooze', alertId: 'all', minutes: 15 });
    port.incoming.fire({ type: 'openReport' });
    port.incoming.fire({ type: 'compareRuns' });
    port.incoming.fire({ type: 'showTraces', atMs: 1_790_000_000_000 });
    port.incoming.fire({ type: 'showTraces', atMs: 'noon' });
    port.incoming.fire({ type: 'showTraces', atMs: -1 });
    assert.deepEqual(source.snoozed, [['all', 15]]);
    assert.equal(source.reports, 1);
    assert.equal(source.comparisons, 1);
    assert.deepEqual(source.tracesAt, [1_790_000_000_000]);
    assert.equal(logs.length, 2, logs.join(' | '));
    assert.match(logs[0]!, /showTraces.*atMs must be a time in milliseconds/);
  });

  it('sends the exemplars of the range on the series drawn (each with only those keys, the newest 300), and passes an exemplar picked to the source with its trace', () => {
    const { port, source, logs } = setup();
    for (let i = 0; i < 120; i++) {
      source.tick(T0 + i * 1000, ownSamples(i));
    }
    const id = (n: number): string => n.toString(16).padStart(32, '0');
    // chat_active_users is charted by default; chat_rooms (not picked) and an unknown series are not.
    source.exemplarList = [
      { traceId: id(1), timeMs: T0 + 10_000, value: 0.2, seriesKeys: ['chat_active_users', 'chat_rooms'] },
      { traceId: id(2), timeMs: T0 + 100_000, value: 0.3, seriesKeys: ['chat_rooms'] },
      { traceId: id(3), timeMs: T0 + 110_000, value: 0.4, seriesKeys: ['nope', 'chat_active_users'] },
    ];
    port.incoming.fire({ type: 'ready', range: '1m' });
    assert.deepEqual(port.types(), ['init', 'exemplars']);
    // The 1m range starts at T0 + 59 s: the first is out of it; the second is on no series drawn.
    assert.deepEqual(port.last('exemplars')!.exemplars, [{ traceId: id(3), timeMs: T0 + 110_000, value: 0.4, seriesKeys: ['chat_active_users'] }]);
    // Unchanged on the next tick: not sent again.
    source.tick(T0 + 120_000, ownSamples(120));
    assert.equal(port.types().filter((t) => t === 'exemplars').length, 1);
    // Everything kept, with chat_rooms picked: all three, each with the keys drawn.
    port.incoming.fire({ type: 'setRange', range: 'all' });
    port.incoming.fire({ type: 'selectSeries', keys: ['chat_rooms'] });
    assert.deepEqual(port.last('exemplars')!.exemplars.map((e) => [e.traceId, e.seriesKeys]), [
      [id(1), ['chat_active_users', 'chat_rooms']],
      [id(2), ['chat_rooms']],
      [id(3), ['chat_active_users']],
    ]);
    // At most MAX_EXEMPLARS, the newest.
    source.exemplarList = Array.from({ length: MAX_EXEMPLARS + 50 }, (_, i) => ({ traceId: id(i + 1), timeMs: T0 + i, value: 0.1, seriesKeys: ['chat_rooms'] }));
    source.tick(T0 + 121_000, ownSamples(121));
    const sent = port.last('exemplars')!.exemplars;
    assert.equal(sent.length, MAX_EXEMPLARS);
    assert.equal(sent[0]!.traceId, id(51));
    // No exemplar in the range: init alone (the page starts without).
    const fresh = setup();
    fresh.source.tick(T0, ownSamples(0));
    fresh.port.incoming.fire({ type: 'ready' });
    assert.deepEqual(fresh.port.types(), ['init']);

    // A click on a diamond: its trace, at its time; a trace id that is not 32 hex digits is refused in a sentence.
    port.incoming.fire({ type: 'showTrace', traceId: id(3), atMs: T0 + 110_000 });
    port.incoming.fire({ type: 'showTrace', traceId: '<img src=x>', atMs: T0 });
    port.incoming.fire({ type: 'showTrace', traceId: id(3), atMs: 'now' });
    assert.deepEqual(source.tracesAt, [T0 + 110_000]);
    assert.deepEqual(source.tracesOf, [id(3)]);
    assert.equal(logs.length, 2, logs.join(' | '));
    assert.match(logs[0]!, /showTrace.*traceId must be 32 lowercase hex digits/);
    assert.match(logs[1]!, /showTrace.*atMs must be a time/);
  });

  it('logs one sentence for a bad message and does not act on it', () => {
    const { port, source, logs } = setup();
    port.incoming.fire({ type: 'snooze', alertId: 'x', minutes: 1e9 });
    port.incoming.fire('rm -rf');
    port.incoming.fire({ type: 'setRange', range: '2y' });
    assert.deepEqual(source.snoozed, []);
    assert.equal(logs.length, 3);
    assert.match(logs[0]!, /minutes must be a whole number from 1 to 1440/);
    assert.match(logs[2]!, /range must be one of 1m, 5m, 15m, 1h, all/);
  });

  it('stops sending while hidden and re-inits on the next ready', () => {
    const { port, source, session } = setup();
    port.incoming.fire({ type: 'ready' });
    session.setVisible(false);
    source.tick(T0, ownSamples(0));
    assert.deepEqual(port.types(), ['init']);
    port.incoming.fire({ type: 'ready' });
    assert.deepEqual(port.types(), ['init', 'init']);
    assert.equal(port.last('init')!.columns.x.length, 1);
  });

  it('sends a window instead of an append when new series appear', () => {
    const { port, source } = setup();
    source.tick(T0, ownSamples(0));
    port.incoming.fire({ type: 'ready' });
    source.tick(T0 + 1000, [...ownSamples(1), { name: Metric.systemCpuPercent, labels: {}, value: 5 }]);
    assert.deepEqual(port.types(), ['init', 'catalogue', 'window']);
    assert.ok(port.last('window')!.columns.keys.includes(Metric.systemCpuPercent));
  });

  it('describes and serialises the catalogue again only when a series is added or redeclared (issue 20)', () => {
    const { port, source } = setup();
    source.tick(T0, ownSamples(0));
    port.incoming.fire({ type: 'ready' });
    const catalogue = source.feed.catalogue();
    let serialised = 0;
    Object.defineProperty(catalogue, 'toJSON', {
      value(this: unknown[]) {
        serialised++;
        return [...this];
      },
    });
    for (let i = 1; i <= 5; i++) source.tick(T0 + i * 1000, ownSamples(i));
    assert.equal(source.feed.catalogue(), catalogue, 'the same series: the same catalogue, not described again');
    assert.equal(serialised, 0, 'the catalogue sent last is not serialised again to find it unchanged');
    assert.deepEqual(port.types(), ['init', 'append', 'append', 'append', 'append', 'append']);
    source.tick(T0 + 6000, [...ownSamples(6), { name: Metric.systemCpuPercent, labels: {}, value: 5 }]);
    assert.notEqual(source.feed.catalogue(), catalogue);
    assert.deepEqual(port.types().slice(-2), ['catalogue', 'window']);
    // A family that declares its TYPE and UNIT anew is described anew.
    const before = source.feed.catalogue();
    source.tick(T0 + 7000, ownSamples(7).map((x) => (x.name === 'chat_rooms' ? { ...x, meta: { type: 'gauge', unit: 'rooms' } } : x)));
    assert.notEqual(source.feed.catalogue(), before);
  });

  it('turns a failing source into a logged sentence, not an exception', () => {
    const { port, source, logs } = setup();
    port.incoming.fire({ type: 'ready' });
    source.alerts = () => {
      throw new Error('rules not loaded');
    };
    assert.doesNotThrow(() => source.tick(T0, ownSamples(0)));
    assert.match(logs[0]!, /could not update the dashboard: rules not loaded/);
  });

  it('unsubscribes from the source and the page on dispose', () => {
    const { port, source, session } = setup();
    assert.equal(source.changed.listenerCount, 1);
    assert.equal(port.incoming.listenerCount, 1);
    session.dispose();
    assert.equal(source.changed.listenerCount, 0);
    assert.equal(port.incoming.listenerCount, 0);
    port.incoming.fire({ type: 'ready' });
    assert.deepEqual(port.sent, []);
  });

  it('sends a long range as a tier that fits the plot, appends raw ticks, and sends the window again when its bucket completes', () => {
    const { port, source } = setup();
    for (let i = 0; i < 3600; i++) {
      source.tick(T0 + i * 1000, ownSamples(i % 97));
    }
    port.incoming.fire({ type: 'ready', range: '1h', plotWidthPx: 440 });
    const init = port.last('init')!;
    assert.equal(init.columns.stepMs, 30_000);
    assert.ok(init.columns.x.length <= 440, `${init.columns.x.length} points on a 440 px plot`);
    // T0 is a multiple of 30 s, so the bucket holding the last tick (T0 + 3599 s) completes at T0 + 3600 s.
    source.tick(T0 + 3600_000, ownSamples(1));
    assert.equal(port.sent[port.sent.length - 1]!.type, 'window');
    source.tick(T0 + 3601_000, ownSamples(2));
    assert.equal(port.last('append')!.columns.x.length, 1);
    assert.deepEqual(port.types().slice(-1), ['append']);
    // Raw ticks appended never outgrow a quarter of the plot before a fresh window.
    const before = port.sent.length;
    for (let i = 2; i < 29; i++) {
      source.tick(T0 + 3600_000 + i * 1000, ownSamples(i));
    }
    assert.deepEqual(port.types().slice(before).filter((t) => t === 'window'), []);
    source.tick(T0 + 3630_000, ownSamples(3));
    assert.equal(port.last('window')!.columns.stepMs, 30_000);
    // A narrower plot after a resize: the page says so with setRange, the host answers with a coarser tier.
    port.incoming.fire({ type: 'setRange', range: '1h', plotWidthPx: 200 });
    const w = port.last('window')!;
    assert.equal(w.columns.stepMs, 60_000);
    assert.ok(w.columns.x.length <= 200);
    // Short ranges stay raw.
    port.incoming.fire({ type: 'setRange', range: '5m', plotWidthPx: 440 });
    assert.equal(port.last('window')!.columns.stepMs, undefined);
    assert.equal(port.last('window')!.columns.x.length, 300); // every tick of the last 5 min (T0 + 3629 s was skipped above)
  });

  it('"all" grows with every tick: when its raw ticks reach the plot’s pixels, the host sends it again as a tier', () => {
    const { port, source } = setup();
    for (let i = 0; i < 300; i++) {
      source.tick(T0 + i * 1000, ownSamples(i % 97));
    }
    port.incoming.fire({ type: 'ready', range: 'all', plotWidthPx: 440 });
    assert.equal(port.last('init')!.columns.stepMs, undefined);
    assert.equal(port.last('init')!.columns.x.length, 300);
    for (let i = 300; i < 440; i++) {
      source.tick(T0 + i * 1000, ownSamples(i % 97));
    }
    assert.equal(port.last('window'), undefined, 'raw appends while they fit: 440 points on 440 px');
    source.tick(T0 + 440_000, ownSamples(1));
    const w = port.last('window')!;
    assert.equal(w.columns.stepMs, 10_000);
    assert.ok(w.columns.x.length <= 440, `${w.columns.x.length} points`);
    assert.equal(w.columns.x[0], (T0 + 2500) / 1000, 'from the first tick on');
  });
});
