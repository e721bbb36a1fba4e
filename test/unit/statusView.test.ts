import assert from 'node:assert/strict';
import { InstanceMetric, Metric, ServiceState, Snapshot, TargetState } from '../../src/core/model';
import * as format from '../../src/core/format';
import { formatBytes } from '../../src/core/format';
import { useLocale } from '../../src/core/i18n/locale';
import { buildStatusView as buildStatusViewBefore } from './helpers/statusViewBefore';
import { zhCnBundle } from './helpers/zhCn';
import { buildStatusView, changedStatusParts, StatusInput } from '../../src/core/statusView';
import { SeriesStore } from '../../src/core/store/seriesStore';
import * as inertText from '../../src/core/text/inertText';
import { visibleText } from '../../src/core/text/inertText';
import { HOSTILE_CORPUS } from './text/hostileCorpus';
import { hoverHtml, htmlText, iconCount, read } from './text/renderers';

const running: TargetState = {
  kind: 'running',
  process: { pid: 4242, commandLine: 'node server.js --port 8080', executable: 'node', ports: [8080], startTimeMs: 0, reason: 'pid 4242 listens on port 8080' },
};

function input(over: Partial<StatusInput> = {}): StatusInput {
  const store = new SeriesStore(10);
  store.append(1000, [
    { name: Metric.processCpuPercent, labels: {}, value: 12.4 },
    { name: Metric.processRssBytes, labels: {}, value: 148 * 1024 * 1024 },
    { name: Metric.processOpenFds, labels: {}, value: 21 },
  ]);
  const snapshot = { timeMs: 1000, tick: 1, target: running, samples: [], problems: [], durationMs: 1, skippedTicks: 0 } as Snapshot;
  return { nowMs: 1500, intervalMs: 1000, name: 'chat', target: running, snapshot, store, problems: [], configProblems: [], ...over };
}

describe('changedStatusParts (the status bar item is given only what changed, issue 20)', () => {
  it('gives everything the first time, nothing for the same view, and only the parts that differ', () => {
    const v = buildStatusView(input());
    assert.deepEqual(changedStatusParts(undefined, v), { text: v.text, tooltip: v.tooltip, ariaLabel: v.ariaLabel, severity: 'none' });
    assert.deepEqual(changedStatusParts(v, buildStatusView(input())), {});
    const later = buildStatusView(input({ nowMs: 2600 }));
    assert.deepEqual(Object.keys(changedStatusParts(v, later)), ['tooltip'], 'only the age of the last sample moved');
    const alerting = buildStatusView(input({ alerts: [{ level: 'error', title: 'CPU' }] }));
    assert.deepEqual(Object.keys(changedStatusParts(v, alerting)).sort(), ['ariaLabel', 'severity', 'text', 'tooltip']);
  });
});

describe('buildStatusView', () => {
  it('shows name, CPU and RSS with fixed-width numbers', () => {
    const v = buildStatusView(input());
    assert.equal(v.text, '$(pulse) chat \u200712% · 148 MiB');
    assert.equal(v.state, 'live');
    assert.match(v.tooltip, /pid 4242 · port 8080/);
    assert.match(v.tooltip, /\| Open files \| 21 \|/);
    assert.match(v.ariaLabel, /CPU 12 percent, memory 148 MiB/);
  });

  it('marks data stale when the process sample missed the tick or no tick came', () => {
    const late = buildStatusView(input({ nowMs: 10_000 }));
    assert.equal(late.state, 'stale');
    assert.match(late.text, /^\$\(history\) chat .*\(stale\)$/);
    const i = input();
    i.store.append(2000, [{ name: Metric.processCpuPercent, labels: {}, value: 1 }]);
    assert.equal(buildStatusView({ ...i, nowMs: 2100 }).state, 'stale', 'RSS missed the latest tick');
  });

  it('says "not running" with a link to Select Process', () => {
    const v = buildStatusView(input({ target: { kind: 'notRunning', message: 'No process listens on TCP port 8080 (chatroomMonitor.target.port).' } }));
    assert.equal(v.text, '$(debug-disconnect) chat: not running');
    assert.match(v.tooltip, /command:chatroomMonitor\.selectProcess/);
    assert.match(read(htmlText(hoverHtml(v.tooltip))), /port 8080 \(chatroomMonitor\.target\.port\)/);
  });

  describe('a service of many instances (read from Prometheus)', () => {
    const service: ServiceState = {
      source: 'prometheus',
      where: 'job "chat" in Prometheus at http://127.0.0.1:9090',
      reachable: true,
      instances: [
        { instance: '127.0.0.1:8081', up: true },
        { instance: '127.0.0.1:8082', up: false },
      ],
    };
    const svcTarget: TargetState = { kind: 'running', process: { pid: 0, commandLine: 'up{job="chat"}', executable: 'chat', ports: [], startTimeMs: 0, reason: 'r' }, service };

    it('shows the total and "n/m up" in the item, a row per instance in the tooltip, no pid', () => {
      const i = input({ target: svcTarget });
      i.store.append(1000, [
        { name: Metric.processCpuPercent, labels: {}, value: 30 },
        { name: Metric.processRssBytes, labels: {}, value: 200 * 1024 * 1024 },
        { name: InstanceMetric.cpuPercent, labels: { instance: '127.0.0.1:8081' }, value: 30 },
        { name: InstanceMetric.rssBytes, labels: { instance: '127.0.0.1:8081' }, value: 200 * 1024 * 1024 },
      ]);
      const v = buildStatusView(i);
      assert.equal(v.text, '$(pulse) chat \u200730% · 200 MiB · 1/2 up');
      assert.doesNotMatch(v.tooltip, /pid 0/);
      assert.match(v.tooltip, /\| 127\\?\.0\.0\.1:8081 \| up \| 30\.0% \| 200 MiB \|/);
      assert.match(v.tooltip, /\| 127\\?\.0\.0\.1:8082 \| \$\(error\) \*\*down\*\* \| – \| – \|/);
      assert.doesNotMatch(v.tooltip, /Machine CPU/, "this machine's figures say nothing about a remote service");
      assert.match(v.tooltip, /1\/2 up/);
    });

    it('says "Prometheus unreachable" rather than "not running" when it cannot be read, and "no instance" for an empty job', () => {
      const unread = buildStatusView(input({ target: { kind: 'notRunning', message: 'Nothing answers at http://127.0.0.1:9090 (chatroomMonitor.prometheus.url): is Prometheus running?', service: { ...service, reachable: false } } }));
      assert.equal(unread.text, '$(warning) chat: Prometheus unreachable');
      const none = buildStatusView(input({ target: { kind: 'notRunning', message: 'no target', service: { ...service, instances: [] } } }));
      assert.equal(none.text, '$(warning) chat: no instance found');
      const down = buildStatusView(input({ target: { kind: 'notRunning', message: 'none up', service: { ...service, instances: [{ instance: 'a:1', up: false }] } } }));
      assert.equal(down.text, '$(debug-disconnect) chat: not running (0/1 up)');
    });

    it('shows the last figures as stale while Prometheus cannot be read', () => {
      const v = buildStatusView(input({ target: { ...svcTarget, service: { ...service, reachable: false } } as TargetState }));
      assert.equal(v.state, 'stale');
    });
  });

  it('takes the warning or error colour while an alert fires, not while snoozed', () => {
    assert.equal(buildStatusView(input({ alerts: [{ level: 'warning', title: 'CPU high' }] })).severity, 'warning');
    assert.equal(buildStatusView(input({ alerts: [{ level: 'warning', title: 'a' }, { level: 'critical', title: 'b' }] })).severity, 'error');
    assert.equal(buildStatusView(input({ alerts: [{ level: 'critical', title: 'b', snoozed: true }] })).severity, 'none');
    assert.match(buildStatusView(input({ alerts: [{ level: 'warning', title: 'CPU high' }] })).tooltip, /Active alerts \(1\)/);
  });

  describe('text from the process, the server and the alerts is inert in the item and the tooltip', () => {
    const base = running.kind === 'running' ? running.process : undefined;
    const view = (s: string, name?: string) =>
      buildStatusView(
        input({
          name,
          target: { kind: 'running', process: { ...base!, executable: s, commandLine: `${s} --port 8080` } },
          problems: [{ source: 'metrics', setting: 'chatroomMonitor.metrics.url', message: `bad: ${s}` }],
          alerts: [{ level: 'warning', title: `Room ${s} is busy` }],
          forecast: `memory of ${s} grows`,
        }),
      );
    const ours = view('plain');
    const ourLinks = [...hoverHtml(ours.tooltip).matchAll(/<a [^>]*>/g)].length;
    const ourIcons = [...hoverHtml(ours.tooltip).matchAll(/class="codicon"/g)].length;
    for (const s of HOSTILE_CORPUS) {
      it(JSON.stringify(s.slice(0, 50)), () => {
        const v = view(s);
        const html = hoverHtml(v.tooltip);
        const links = [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => m[1]!);
        assert.equal(links.length, ourLinks, 'only our own links');
        assert.ok(links.every((h) => /^command:chatroomMonitor\./.test(h)), links.join(' '));
        assert.equal([...html.matchAll(/class="codicon"/g)].length, ourIcons, 'only our own icons');
        assert.doesNotMatch(html, /<(img|script|iframe|svg|style)\b/i);
        const text = read(htmlText(html));
        assert.ok(text.includes(`${visibleText(s, 200)} --port 8080`.slice(0, 150)), 'the command line reads as the original, no backslash added');
        assert.ok(text.includes(`Room ${visibleText(s, 300 - 10).slice(0, 100)}`), 'the alert title reads as the original');
        assert.equal(iconCount(v.text), 1, 'the item shows only its own icon');
        assert.match(v.text, / \u200712% · 148 MiB$/, 'CPU and memory stay visible');
        assert.ok(v.text.length < 80, `the item stays short: ${v.text.length}`);
      });
    }

    it('a 300-character argv[0] leaves CPU and memory visible', () => {
      const v = view('/opt/' + 'very-long-directory-name/'.repeat(12) + 'chat-server');
      assert.ok(v.text.length <= 60, v.text);
      assert.match(v.text, /12% · 148 MiB$/);
    });

    it('shows the command line once escaped: no backslashes in the tooltip', () => {
      const html = hoverHtml(buildStatusView(input({ target: { kind: 'running', process: { ...base!, commandLine: 'node chat-server/server.js --port 0 __chat__<img>' } } })).tooltip);
      assert.ok(read(htmlText(html)).includes('node chat-server/server.js --port 0 __chat__<img>'));
    });
  });

  it('the Metrics row tells the truth: live scrapes with their series count, "off" once scraping stopped', () => {
    const i = input();
    i.store.append(2000, [
      { name: Metric.processCpuPercent, labels: {}, value: 1 },
      { name: Metric.processRssBytes, labels: {}, value: 1 },
      { name: Metric.scrapeUp, labels: {}, value: 1 },
      { name: Metric.scrapeSamplesScraped, labels: {}, value: 91 },
    ]);
    const snap = (timeMs: number) => ({ ...i.snapshot!, timeMs });
    assert.match(buildStatusView({ ...i, snapshot: snap(2000), nowMs: 2100 }).tooltip, /\| Metrics \| ok \(91 series\) \|/);
    // metrics.url set to a file: URL (refused: scraping off): the old samples are stale.
    i.store.append(3000, [
      { name: Metric.processCpuPercent, labels: {}, value: 1 },
      { name: Metric.processRssBytes, labels: {}, value: 1 },
    ]);
    const off = buildStatusView({ ...i, snapshot: snap(3000), nowMs: 3100 }).tooltip;
    assert.match(off, /\| Metrics \| off \|/);
    assert.doesNotMatch(off, /ok \(/);
  });

  it('puts a broken metrics endpoint in the tooltip in its own sentence', () => {
    const message = 'Nothing answers at http://127.0.0.1:8080/metrics (chatroomMonitor.metrics.url): is the chat server running?';
    const v = buildStatusView(input({ problems: [{ source: 'metrics', setting: 'chatroomMonitor.metrics.url', message }] }));
    assert.match(v.tooltip, /\| Metrics \| \$\(warning\) Nothing answers at /);
    assert.ok(read(htmlText(hoverHtml(v.tooltip))).includes(message));
    assert.equal(v.state, 'live', 'the process figures stay live');
  });

  it("adds Prometheus' verdict to the Metrics row, inert, while the row still reads ok", () => {
    const i = input();
    i.store.append(1000, [{ name: Metric.scrapeUp, labels: {}, value: 1 }, { name: Metric.scrapeSamplesScraped, labels: {}, value: 91 }]);
    const reason = 'strconv.ParseFloat: parsing "[x](https://evil.example)": invalid syntax';
    const snapshot = { ...i.snapshot!, prometheusVerdict: { accept: false, line: 14, reason, complete: true } };
    const v = buildStatusView({ ...i, snapshot });
    assert.match(v.tooltip, /\| Metrics \| ok \(\d+ series\) · \$\(warning\) Prometheus would reject this scrape: line 14: /);
    const html = hoverHtml(v.tooltip);
    assert.ok(read(htmlText(html)).includes(`Prometheus would reject this scrape: line 14: ${reason}`));
    assert.ok(!html.includes('href="https://evil'), 'no link from server text');
    const accepted = buildStatusView({ ...i, snapshot: { ...i.snapshot!, prometheusVerdict: { accept: true, complete: true } } });
    assert.doesNotMatch(accepted.tooltip, /Prometheus would reject/);
  });

  it("makes the process's inert name and command line once, not on every tick", () => {
    // The same process tick after tick: the inert texts are the view's costliest part (issue 20).
    const exports = inertText as { inertMarkdownCode: typeof inertText.inertMarkdownCode; visibleText: typeof inertText.visibleText };
    const realCode = exports.inertMarkdownCode;
    const realVisible = exports.visibleText;
    const seen: string[] = [];
    exports.inertMarkdownCode = (s, ...rest) => (seen.push(`code ${String(s)}`), realCode(s, ...rest));
    exports.visibleText = (s, ...rest) => (seen.push(`visible ${String(s)}`), realVisible(s, ...rest));
    try {
      const cmd = 'node cached-server.js --port 8181';
      const proc = (commandLine: string, executable: string): TargetState => ({
        kind: 'running',
        process: { pid: 4242, commandLine, executable, ports: [8080], startTimeMs: 0, reason: 'pid 4242 listens on port 8080' },
      });
      const target = proc(cmd, 'cached');
      const first = buildStatusView(input({ target, name: undefined }));
      const second = buildStatusView(input({ target, name: undefined, nowMs: 1700 }));
      assert.equal(seen.filter((x) => x === `code ${cmd}`).length, 1, 'the command line once');
      assert.equal(seen.filter((x) => x === 'visible cached').length, 1, 'the name once');
      assert.equal(second.tooltip, first.tooltip);
      assert.ok(first.tooltip.includes('`node cached-server.js --port 8181`'));
      // Another process: made again.
      const other = buildStatusView(input({ target: proc('node b.js', 'b'), name: undefined }));
      assert.ok(other.tooltip.includes('`node b.js`'));
      assert.match(other.text, / b /);
    } finally {
      exports.inertMarkdownCode = realCode;
      exports.visibleText = realVisible;
    }
  });

  it('formats bytes in binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(3 * 1024 ** 3), '3 GiB');
  });
});

describe('the status view keeps its texts between ticks (issue 20)', () => {
  const LOCAL_SERVICE: ServiceState = { source: 'local', where: 'processes named "chat"', reachable: true, instances: [{ instance: 'pid 7', up: true }, { instance: 'pid 8', up: false }] };
  const PROM_SERVICE: ServiceState = { source: 'prometheus', where: 'job "chat" at http://127.0.0.1:9090', reachable: true, instances: [{ instance: '127.0.0.1:8081', up: true }] };
  const METRICS = [
    Metric.processCpuPercent,
    Metric.processRssBytes,
    Metric.processOpenFds,
    Metric.processMaxFds,
    Metric.processThreads,
    Metric.processUptimeSeconds,
    Metric.systemCpuPercent,
    Metric.systemMemoryPercent,
    Metric.systemMemoryUsedBytes,
    Metric.systemMemoryTotalBytes,
    Metric.systemDiskPercent,
    Metric.systemNetRxBytesPerSecond,
    Metric.systemNetTxBytesPerSecond,
    Metric.scrapeUp,
    Metric.scrapeSamplesScraped,
  ];

  it('gives word for word the view made from scratch, tick after tick, in English and Chinese', () => {
    // A seeded walk through what a tick can bring: values that move or stay, series that
    // miss a tick, a stalled collector, services, problems, alerts, verdicts, restarts, another language.
    let seed = 20;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const store = new SeriesStore(10);
    const values = new Map<string, number>(METRICS.map((m) => [m, Math.floor(rnd() * 1000)]));
    const processes = [running.process, { ...running.process, pid: 99, ports: [], commandLine: 'node other.js' }];
    let timeMs = 1_000_000;
    let compared = 0;
    for (let tick = 0; tick < 1500; tick++) {
      if (tick === 500) useLocale('zh-cn', zhCnBundle());
      if (tick === 1000) useLocale('en');
      timeMs += 1000;
      // Most values stay from tick to tick; some move, a few are missing.
      for (const m of METRICS) if (rnd() < 0.2) values.set(m, pick([0, 1, 12.34, 99.95, 1023 * 1024 * 1024, 1.5e9, rnd() * 100, Math.floor(rnd() * 5000)]));
      const missing = rnd() < 0.1 ? pick(METRICS) : undefined;
      store.append(
        timeMs,
        METRICS.filter((m) => m !== missing).map((name) => ({ name, labels: {}, value: values.get(name)! })),
      );
      const service = pick([undefined, undefined, undefined, LOCAL_SERVICE, PROM_SERVICE, { ...PROM_SERVICE, reachable: false }]);
      const target: TargetState = { kind: 'running', process: pick(processes), ...(service ? { service } : {}) };
      const snapshot = {
        timeMs,
        tick,
        target,
        samples: [],
        problems: [],
        durationMs: 1,
        skippedTicks: 0,
        ...(rnd() < 0.1 ? { prometheusVerdict: pick([{ accept: true, complete: true }, { accept: false, complete: true, line: 3, reason: 'bad *value*' }]) } : {}),
      } as Snapshot;
      const i: StatusInput = {
        nowMs: timeMs + pick([5, 300, 999, 1000, 1500, 2600, 12_000]),
        intervalMs: 1000,
        name: pick([undefined, 'chat', 'chat *room*']),
        target,
        snapshot: rnd() < 0.05 ? undefined : snapshot,
        store,
        problems: rnd() < 0.2 ? [pick([{ source: 'metrics', message: 'scrape failed: [x](http://e)' }, { source: 'system', message: 'no /proc' }, { source: 'target', message: 'gone' }])] : [],
        configProblems: rnd() < 0.1 ? ['chatroomMonitor.x is wrong'] : [],
        ...(rnd() < 0.2 ? { alerts: [{ level: pick(['warning', 'critical', 'info'] as const), title: 'CPU high', snoozed: rnd() < 0.5 }] } : {}),
        ...(rnd() < 0.1 ? { forecast: 'memory reaches the limit in ~12 min' } : {}),
        ...(rnd() < 0.3 ? { restarts: pick([1, 2, 5]) } : {}),
      };
      const kept = buildStatusView(i);
      const before = buildStatusViewBefore(i);
      assert.deepEqual(kept, before, `tick ${tick}`);
      compared++;
    }
    assert.equal(compared, 1500);
  });

  it('makes again only the rows whose values moved: a tick that moves nothing but the age formats no bytes', () => {
    const exports = format as { formatBytes: typeof format.formatBytes };
    const real = exports.formatBytes;
    let calls = 0;
    exports.formatBytes = (b) => (calls++, real(b));
    try {
      const store = new SeriesStore(10);
      const tick = (timeMs: number, rx: number) =>
        store.append(timeMs, [
          { name: Metric.processCpuPercent, labels: {}, value: 3 },
          { name: Metric.processRssBytes, labels: {}, value: 70e6 },
          { name: Metric.systemMemoryPercent, labels: {}, value: 40 },
          { name: Metric.systemMemoryUsedBytes, labels: {}, value: 1.6e9 },
          { name: Metric.systemMemoryTotalBytes, labels: {}, value: 4e9 },
          { name: Metric.systemNetRxBytesPerSecond, labels: {}, value: rx },
          { name: Metric.systemNetTxBytesPerSecond, labels: {}, value: 2048 },
        ]);
      const view = (timeMs: number) => buildStatusView(input({ store, nowMs: timeMs + 400, snapshot: { timeMs, tick: 1, target: running, samples: [], problems: [], durationMs: 1, skippedTicks: 0 } as Snapshot }));
      tick(1000, 1024);
      const first = view(1000);
      tick(2000, 1024);
      calls = 0;
      const second = view(2000);
      assert.equal(calls, 0, 'the same RSS, machine memory and network: no bytes formatted again');
      assert.equal(second.tooltip, first.tooltip);
      tick(3000, 4096);
      calls = 0;
      const third = view(3000);
      assert.equal(calls, 2, 'the network row only (↓ and ↑)');
      assert.match(third.tooltip, /↓ 4 KiB\/s ↑ 2 KiB\/s/);
    } finally {
      exports.formatBytes = real;
    }
  });
});
