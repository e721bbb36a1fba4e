import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { analyze } from '../../../src/core/analyze/analyzer';
import { renderMarkdown } from '../../../src/core/report/markdown';
import { buildReport, renderJson } from '../../../src/core/report/reportData';
import { OperationTracker } from '../../../src/core/traces/operations';
import { SpanStore } from '../../../src/core/traces/spanStore';
import { analyzeTraces } from '../../../src/core/traces/traceAnalysis';
import { scenario, windowOf } from '../analyze/scenario';
import { T0 } from '../analyze/synthetic';
import { chatTrace, span } from './helpers';

const MarkdownIt = createRequire(__filename)('markdown-it') as new (o: { html: boolean; linkify: boolean }) => { render(s: string): string };
const md = new MarkdownIt({ html: true, linkify: true });

describe('report: traces', () => {
  it('the JSON contract (traces.operations, traces.slowest), the latency issue, and an inert Markdown section', () => {
    const st = new SpanStore();
    const ops = new OperationTracker();
    const add = (spans: ReturnType<typeof chatTrace>) => {
      st.add(spans, T0);
      ops.add(spans);
    };
    for (let i = 0; i < 60; i++) add(chatTrace((0x100 + i).toString(16), T0 + i * 100, 1, 1));
    for (let i = 0; i < 60; i++) add(chatTrace((0x200 + i).toString(16), T0 + 10_000 + i * 200, 128, 50));
    add([span({ traceId: 'bad', name: 'GET /x\u202E[click](command:evil) <img src=x>', kind: 'server', startMs: T0 + 5000, durationMs: 2, status: 'error', attributes: { 'http.url': 'https://evil.example/' } })]);
    const store = scenario({}, { seconds: 60 });
    const analysis = analyze(store, windowOf(store));
    const traces = analyzeTraces(st, ops, { fromMs: T0, toMs: T0 + 60_000 });
    const report = buildReport({ target: { name: 'node', state: 'running', pid: 7 }, analysis, generatedAtMs: T0 + 60_000, traces });

    const json = JSON.parse(renderJson(report)) as { traces: { operations: Record<string, unknown>[]; slowest: { traceId: string; durationMs: number; spans: unknown[] }[] }; analysis: { issues: { id: string }[]; status: string } };
    const op = json.traces.operations.find((o) => o['name'] === 'POST /messages')!;
    for (const k of ['service', 'name', 'count', 'errorRate', 'p50Ms', 'p95Ms', 'p99Ms']) assert.ok(k in op, k);
    assert.equal(op['count'], 120);
    assert.equal(json.traces.slowest[0]!.durationMs, 180);
    assert.match(json.traces.slowest[0]!.traceId, /^[0-9a-f]{32}$/);
    assert.equal(json.traces.slowest[0]!.spans.length, 3);
    assert.ok(json.analysis.issues.some((i) => i.id === 'trace-latency'));
    assert.notEqual(json.analysis.status, 'healthy');

    const text = renderMarkdown(report);
    assert.match(text, /## Traces/);
    assert.match(text, /p95 of POST \/messages rose from 4 ms to 180 ms; 71% of the slow traces' time is in db\.query INSERT messages \(database\)/);
    const html = md.render(text);
    assert.ok(!/<img/i.test(html), 'an <img> tag got through');
    assert.ok(!/href="command:/i.test(html), 'a command link got through');
    assert.ok(!text.includes('\u202E'), 'a raw bidi override got through');
  });
});

describe('cli report --otlp-port', () => {
  it('is enough to say what to watch, and is checked as a port', async () => {
    const { parseReportArgs } = await import('../../../src/cli/report');
    const ok = parseReportArgs(['--otlp-port', '4318', '--duration', '5s']);
    assert.ok(ok.ok && ok.args.otlpPort === 4318);
    const bad = parseReportArgs(['--otlp-port', '70000']);
    assert.ok(!bad.ok && /--otlp-port/.test(bad.message));
  });
});
