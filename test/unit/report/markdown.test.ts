import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { marked } from 'marked';
import { analyze } from '../../../src/core/analyze/analyzer';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { inertMarkdownCode as codeSpan, inertMarkdownText as escapeMarkdownText } from '../../../src/core/text/inertText';
import { renderMarkdown } from '../../../src/core/report/markdown';
import { formatTimestamp } from '../../../src/core/format';
import { buildReport, renderJson, ReportAlert, reportTargetFrom } from '../../../src/core/report/reportData';
import { MB, scenario, windowOf } from '../analyze/scenario';
import { T0 } from '../analyze/synthetic';

// VS Code's Markdown preview is markdown-it; render with raw HTML allowed, the
// most permissive setting, to see what a hostile label could become.
const MarkdownIt = createRequire(__filename)('markdown-it') as new (o: { html: boolean }) => { render(s: string): string };
const md = new MarkdownIt({ html: true });

const HOSTILE = ['<img src=x onerror=alert(1)>', '](javascript:alert(1))', 'a`b``c', '`start', 'x|y', 'line\n# heading', '[click](javascript:alert(1))'];

function hostileStore(): SeriesStore {
  return scenario({}, {
    seconds: 600,
    labelled: HOSTILE.map((v, k) => ({ name: 'chat_room_users', labels: { room: v }, gen: (i: number) => (i === 500 ? 900 : 10 + k) })),
  });
}

describe('report', () => {
  describe('escaping', () => {
    it('renders hostile label values as text: no tag, no link, no heading', () => {
      const store = hostileStore();
      const analysis = analyze(store, windowOf(store));
      const alert: ReportAlert = {
        id: 'a1',
        level: 'warning',
        state: 'firing',
        title: 'Room <img src=x onerror=alert(1)> busy',
        message: 'see [here](javascript:alert(1)) | and *this*',
        startedMs: T0,
        peakValue: 900,
        metric: 'chat_room_users',
      };
      const report = buildReport({
        target: { name: 'node `evil`', state: 'running', pid: 42, commandLine: 'node server.js --x=<script>alert(1)</script>' },
        analysis,
        generatedAtMs: T0 + 700_000,
        alerts: { active: [alert], history: [] },
      });
      const text = renderMarkdown(report);
      const html = md.render(text);
      assert.ok(!/<img/i.test(html), 'an <img> tag got through');
      assert.ok(!/<script/i.test(html), 'a <script> tag got through');
      assert.ok(!/href="javascript:/i.test(html), 'a javascript: link got through');
      assert.ok(!/<h1>heading/.test(html) && !/<h1> heading/.test(html), 'a label started a heading');
      assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the hostile label is shown as text');
      // Every row of every table keeps its column count: a `|` in a label did not split a cell.
      for (const table of html.split('<table>').slice(1)) {
        const body = table.split('</table>')[0]!;
        const head = (body.split('</thead>')[0]!.match(/<th[\s>]/g) ?? []).length;
        for (const row of body.split('<tbody>')[1]?.split('</tr>').slice(0, -1) ?? []) {
          assert.equal((row.match(/<td[\s>]/g) ?? []).length, head, row);
        }
      }
    });

    it('server text holding `\\|` stays in its table cell (GFM counts the backslashes: marked, GitHub) and reads as the original', () => {
      // A room name quoted by an error message, and a path, shown in code spans in the Logs table.
      const message = 'room a\\|b \\\\|c not found';
      const file = 'src/rooms\\|x.js';
      const store = scenario({}, { seconds: 60 });
      const iso = new Date(T0).toISOString();
      const report = buildReport({
        target: { name: 'node', state: 'running', pid: 42 },
        analysis: analyze(store, windowOf(store)),
        generatedAtMs: T0 + 70_000,
        logs: {
          linesPerSecond: 1,
          lines: 60,
          levels: { trace: 0, debug: 0, info: 59, warn: 0, error: 1, fatal: 0, unknown: 0 },
          errorGroups: [{ id: 'g1', count: 1, firstSeen: iso, lastSeen: iso, type: 'Error', message, ratePerSecond: 0, regression: false, frames: [{ file, line: 3, column: null, inWorkspace: true }] }],
          notes: [],
        },
      });
      const text = renderMarkdown(report);
      for (const [name, html] of [
        ['marked', marked.parse(text, { async: false, gfm: true }) as string],
        ['markdown-it', md.render(text)],
      ] as const) {
        const table = html.split('<table>').map((t) => t.split('</table>')[0]!).find((t) => t.includes('not found'));
        assert.ok(table, `${name}: the Logs table lists the group`);
        const head = (table.split('</thead>')[0]!.match(/<th[\s>]/g) ?? []).length;
        const tr = table.split('</tr>').find((r) => r.includes('not found'))!;
        assert.equal((tr.match(/<td[\s>]/g) ?? []).length, head, `${name}: the row keeps ${head} cells: ${tr}`);
        const codes = [...tr.matchAll(/<code>([^<]*)<\/code>/g)].map((m) => m[1]!.replace(/\u2060/g, ''));
        assert.deepEqual(codes, [`Error: ${message}`, `${file}:3`], `${name}: the cells read as the original`);
      }
    });

    it('codeSpan fences backticks with a longer run and pads edge backticks', () => {
      assert.equal(codeSpan('a`b``c'), '```a`b``c```');
      assert.equal(codeSpan('`x'), '`` `x ``');
      assert.equal(md.render(codeSpan('a`b``c')).trim(), '<p><code>a`b``c</code></p>');
      assert.equal(md.render(codeSpan('`x')).trim(), '<p><code>`x</code></p>');
    });

    it('escapeMarkdownText leaves no emphasis, link or HTML', () => {
      const html = md.render(escapeMarkdownText('*b* _i_ [l](http://x) <b>x</b> # h')).replace(/\u2060/g, '');
      assert.equal(html.trim(), '<p>*b* _i_ [l](http://x) &lt;b&gt;x&lt;/b&gt; # h</p>');
      assert.equal(md.render(escapeMarkdownText('- not a list')).trim(), '<p>- not a list</p>');
      assert.equal(md.render(escapeMarkdownText('1. not a list')).trim(), '<p>1. not a list</p>');
    });
  });

  describe('renderMarkdown', () => {
    it('a leaking server: status, sections, forecast sentence and recommendations', () => {
      const store = scenario({ process_resident_memory_bytes: (_i, m, g) => 100 * MB + 3 * MB * m + 0.5 * MB * g() });
      const analysis = analyze(store, { ...windowOf(store), memoryLimitBytes: 512 * MB, memoryLimitSetting: 'chatroomMonitor.memoryLimitMb' });
      const history: ReportAlert[] = [{ id: 'h', level: 'critical', state: 'resolved', title: 'CPU high', message: 'CPU above 95%', startedMs: T0, endedMs: T0 + 90_000, peakValue: '97%' }];
      const text = renderMarkdown(buildReport({ target: { name: 'node', state: 'running', pid: 7 }, analysis, generatedAtMs: T0 + 1_800_000, alerts: { history } }));
      for (const h of ['# Chat server performance report', '## Verdict', '## The server', '## The machine', "## The server's own metrics", '### Active', '### History', '## Issues and recommendations', '## Anomalies', '## Trends and forecasts', '## How each figure was computed']) {
        assert.ok(text.includes(h), h);
      }
      assert.match(text, /\*\*Status: ⚠️ Warning\*\*/);
      assert.match(text, /### Memory leak suspected/);
      assert.match(text, /Process memory \(RSS\) reaches the 512 MiB limit \(chatroomMonitor\.memoryLimitMb\) in ~1 h \d+ min/);
      assert.match(text, /`node --heapsnapshot-signal=SIGUSR2 server\.js`/);
      assert.match(text, /\| Server memory \(RSS\) \| 1\d\d MiB \|/);
      assert.match(text, /\| 🔴 critical \| CPU high \| .* \| 1 min 30 s \| 97% \|/);
    });

    it('an empty window gives a short, honest report', () => {
      const analysis = analyze(new SeriesStore(10), { fromMs: T0, toMs: T0 + 60_000, nowMs: T0 + 60_000 });
      const text = renderMarkdown(
        buildReport({ target: reportTargetFrom({ kind: 'unconfigured', message: 'Set chatroomMonitor.target.port.' }), analysis, generatedAtMs: T0 }),
      );
      assert.match(text, /Unknown \(no data\)/);
      assert.match(text, /not configured \(Set chatroomMonitor\.target\.port\.\)/);
      assert.match(text, /No alert is firing\./);
    });
  });

  describe('reads top to bottom', () => {
    function fullReport(): string {
      const store = scenario(
        { chat_messages_total: (i) => 1000 + 20 * i, python_info: () => 1, process_open_files_limit: () => 4096 },
        { seconds: 300, labelled: [{ name: 'app_build_info', labels: { version: '1.2.3' }, gen: () => 1 }] },
      );
      const analysis = analyze(store, windowOf(store));
      return renderMarkdown(
        buildReport({
          target: reportTargetFrom({
            kind: 'running',
            process: { pid: 18469, commandLine: '/usr/bin/node server.js --port 0', executable: 'node', ports: [40631], startTimeMs: T0, reason: 'pid 18469 (/usr/bin/node server.js --port 0) listens on port 40631 (chatroomMonitor.target.port).' },
          }),
          analysis,
          generatedAtMs: T0 + 301_000,
        }),
      );
    }

    it('one header line: name, pid, port, state, window, samples, generated — nothing said twice', () => {
      const lines = fullReport().split('\n');
      assert.equal(lines[0], '# Chat server performance report');
      const header = lines[2]!;
      const windowPart = /· (\S+ → \S+ \(4 min 59 s, [\d,.k]+ samples\)) ·/.exec(header)?.[1];
      assert.ok(windowPart, header);
      assert.equal(header, `\`node\` · pid 18469 · port 40631 · running · ${windowPart} · generated ${formatTimestamp(T0 + 301_000)}`);
      assert.equal(header.match(/18469/g)?.length, 1, header);
      assert.equal(lines[3], '');
    });

    it('verdict and issues first, then alerts, "About the server", and the statistics tables', () => {
      const text = fullReport();
      const order = ['## Verdict', '## Issues and recommendations', '## Alerts', '## About the server', '## The server', '## The machine', "## The server's own metrics", '## Anomalies', '## Trends and forecasts', '## How each figure was computed'];
      const at = order.map((h) => text.split('\n').indexOf(h));
      assert.ok(at.every((i) => i >= 0), `${order.filter((_, k) => at[k]! < 0).join(', ')} missing`);
      assert.deepEqual([...at].sort((a, b) => a - b), at, `headings out of order: ${at.join(', ')}`);
    });

    it('"About the server" lists the command line, how it was found, uptime, limits, restarts and info metrics', () => {
      const text = fullReport();
      const about = text.split('## About the server\n\n')[1]!.split('\n\n')[0]!.split('\n');
      assert.deepEqual(about, [
        '- Command line: `/usr/bin/node server.js --port 0`',
        '- How it was found: pid 18469 (/usr/bin/node server.js --port 0) listens on port 40631 (chatroomMonitor.target.port).',
        '- Server uptime: 1 h 5 min',
        '- Running in 100% of the window\'s samples',
        '- Restarts in the window: 0',
        '- File descriptor limit: 1,024',
        '- Machine memory: 16 GiB',
        '- `app_build_info`: `version=1.2.3`',
        '- `python_info`: no labels',
        '- `process_open_files_limit`: 4,096',
      ]);
    });

    it('statistics tables list measurements only; counters as increase and rate with their unit', () => {
      const text = fullReport();
      const rows = text.split('\n').filter((l) => l.startsWith('| '));
      for (const bad of ['Memory total', 'Machine memory |', 'File descriptor limit', '_info', '(increase)', 'Restarts', 'Uptime', 'Up (1', 'files_limit']) {
        assert.ok(!rows.some((r) => r.includes(bad)), `a table row holds "${bad}": ${rows.find((r) => r.includes(bad))}`);
      }
      assert.ok(rows.some((r) => r.startsWith('| Server CPU (% of a core) |')), rows.slice(0, 4).join('\n'));
      assert.match(text, /\| `chat_messages_total` \| 5[\d,.]+ \| 20(\.0)?\/s \| \d+ \|/);
    });
  });

  describe('status and alerts agree', () => {
    const firing = (level: ReportAlert['level'], title: string): ReportAlert => ({ id: title, level, state: 'firing', title, message: 'm', startedMs: T0 });

    it('a report whose alerts fire never says "Healthy"', () => {
      const store = scenario({}, { seconds: 600 });
      const analysis = analyze(store, windowOf(store));
      assert.equal(analysis.status, 'healthy');
      const report = buildReport({ target: { name: 'n', state: 'running' }, analysis, generatedAtMs: T0, alerts: { active: [firing('warning', 'CPU above 80%')] } });
      assert.equal(report.analysis.status, 'warning');
      assert.deepEqual(report.analysis.reasons, ['Alert firing: CPU above 80%']);
      const text = renderMarkdown(report);
      assert.doesNotMatch(text, /Healthy|No problem found/);
      assert.match(text, /Status: ⚠️ Warning/);
      const critical = buildReport({ target: { name: 'n', state: 'running' }, analysis, generatedAtMs: T0, alerts: { active: [firing('error', 'Server down'), firing('info', 'Busy')] } });
      assert.equal(critical.analysis.status, 'critical');
      assert.deepEqual(critical.analysis.reasons, ['Alert firing: Server down']);
    });

    it('info and pending alerts leave the verdict alone; a worse verdict keeps its reasons', () => {
      const store = scenario({ process_cpu_usage_percent: (_i, _m, g) => 99 + 0.5 * g() }, { seconds: 600 });
      const analysis = analyze(store, windowOf(store));
      const pending: ReportAlert = { ...firing('critical', 'x'), state: 'pending' };
      const report = buildReport({ target: { name: 'n', state: 'running' }, analysis, generatedAtMs: T0, alerts: { active: [firing('warning', 'CPU above 80%'), pending] } });
      assert.equal(report.analysis.status, 'critical');
      assert.deepEqual(report.analysis.reasons, [...analysis.reasons, 'Alert firing: CPU above 80%']);
      const healthy = analyze(scenario({}, { seconds: 600 }), windowOf(scenario({}, { seconds: 600 })));
      assert.equal(buildReport({ target: { name: 'n', state: 'running' }, analysis: healthy, generatedAtMs: T0, alerts: { active: [firing('info', 'i'), pending] } }).analysis.status, 'healthy');
    });
  });

  describe("Prometheus' verdict", () => {
    it('says in the summary and in JSON prometheusVerdict that Prometheus would reject the scrape, with inert server text', () => {
      const store = scenario({}, { seconds: 60 });
      const analysis = analyze(store, windowOf(store));
      const latest = { accept: false, line: 14, reason: 'invalid metric type "[x](javascript:alert(1))"', complete: true };
      const report = buildReport({
        target: { name: 'chat', state: 'running', pid: 42 },
        analysis,
        generatedAtMs: T0 + 60_000,
        prometheusVerdict: { scrapes: 60, rejected: 60, latest, lastRejection: { ...latest, timeMs: T0 + 59_000 } },
      });
      const html = md.render(renderMarkdown(report));
      assert.match(html, /Prometheus would reject this scrape: line 14: invalid metric type/);
      assert.match(html, /60 of 60 scrapes; the monitor still shows what it could read/);
      assert.ok(!/href="javascript:/i.test(html), 'a javascript: link got through');
      const json = JSON.parse(renderJson(report)) as { prometheusVerdict: { rejected: number; latest: { line: number; reason: string } } };
      assert.equal(json.prometheusVerdict.rejected, 60);
      assert.deepEqual(json.prometheusVerdict.latest, latest);
      const fine = buildReport({ target: { name: 'chat', state: 'running' }, analysis, generatedAtMs: T0, prometheusVerdict: { scrapes: 3, rejected: 0, latest: { accept: true, complete: true } } });
      assert.match(renderMarkdown(fine), /Prometheus would accept the metrics body \(3 scrapes checked\)/);
    });
  });

  describe('renderJson', () => {
    it('is valid JSON, NaN figures as null, and round-trips the analysis', () => {
      const store = new SeriesStore(10);
      store.append(T0, [{ name: 'process_cpu_usage_percent', labels: {}, value: NaN }]);
      const analysis = analyze(store, { fromMs: T0, toMs: T0, nowMs: T0 });
      const report = buildReport({ target: { name: 'n', state: 'running' }, analysis, generatedAtMs: T0 });
      const parsed = JSON.parse(renderJson(report)) as { schemaVersion: number; analysis: { stats: { summary: { mean: unknown; invalidCount: number } }[] }; generatedAt: string };
      assert.equal(parsed.schemaVersion, 1);
      assert.equal(parsed.analysis.stats[0]!.summary.mean, null);
      assert.equal(parsed.analysis.stats[0]!.summary.invalidCount, 1);
      assert.equal(parsed.generatedAt, new Date(T0).toISOString());
    });
  });
});
