/**
 * The traces part of the report for people: the Markdown section (operations, where
 * the slow requests' time went, the slowest traces as indented waterfalls) and the
 * analyzer issue made from the diagnosis. Span names, services and attributes come
 * from the watched side: every one goes through the inert-text module.
 * No protobufjs here: this file is part of the main bundle (the report command).
 */
import { Issue, TimeWindow } from '../analyze/issue';
import { formatNumber } from '../format';
import { inertMarkdownCode, inertMarkdownText } from '../text/inertText';
import type { TracesReport } from './traceAnalysis';

const CATEGORY_LABEL = { db: 'database', client: 'outbound call', messaging: 'messaging', server: 'server', internal: 'internal' } as const;

/** The latency issue made from the trace diagnosis (none when nothing stands out). */
export function traceIssue(t: TracesReport, window: TimeWindow): Issue | undefined {
  if (t.diagnosis.length === 0) return undefined;
  const b = t.breakdown[0];
  return {
    id: 'trace-latency',
    category: 'latency',
    severity: 'warning',
    title: 'Slow requests: the traces say where the time went',
    summary: t.diagnosis.map((s) => s + '.').join(' '),
    evidence: (b?.shares ?? []).slice(0, 3).map((s) => ({
      label: `critical-path share of ${s.name} (${CATEGORY_LABEL[s.category]})`,
      value: `${Math.round(s.percent)}% of ${b!.slowTraces} slow traces`,
      window,
    })),
    recommendations: {
      now: ['Open the slowest trace in the dashboard (Traces) and look at the span that holds the most of the critical path.'],
      investigate: [
        'A database span: look at the statement, its index use and what else holds the database (a lock, a long transaction).',
        'An outbound call: time out and retry it, or cache its answer; check the other service\'s own traces.',
      ],
    },
  };
}

function ms(v: number): string {
  return Number.isFinite(v) ? `${formatNumber(v)} ms` : '—';
}

/** The "## Traces" section. */
export function tracesMarkdown(t: TracesReport): string[] {
  const out = ['## Traces', ''];
  out.push(`${formatNumber(t.spansReceived)} spans received; ${formatNumber(t.tracesKept)} traces (${formatNumber(t.spansKept)} spans) kept${t.evictedTraces > 0 ? `, ${formatNumber(t.evictedTraces)} older traces let go to stay within the store's bounds` : ''}${t.rejectedSpans > 0 ? `; ${formatNumber(t.rejectedSpans)} spans rejected (bad ids or times)` : ''}.`, '');
  for (const d of t.diagnosis) out.push(`- **${inertMarkdownText(d, 600)}**`);
  if (t.diagnosis.length > 0) out.push('');
  if (t.operations.length === 0) {
    out.push('_No span arrived in this window. Point the server\'s OpenTelemetry OTLP exporter at the monitor (OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318)._', '');
  } else {
    out.push('| Operation | Service | Kind | Count | Errors | p50 | p95 | p99 |', '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |');
    for (const o of t.operations.slice(0, 20)) {
      out.push(`| ${inertMarkdownCode(o.name, 120, true)} | ${inertMarkdownCode(o.service || '—', 60, true)} | ${CATEGORY_LABEL[o.category]} | ${formatNumber(o.count)} | ${formatNumber(o.errorRate * 100)}% | ${ms(o.p50Ms)} | ${ms(o.p95Ms)} | ${ms(o.p99Ms)} |`);
    }
    if (t.operations.length > 20) out.push('', `_${t.operations.length - 20} more operations in the JSON report._`);
    out.push('');
  }
  for (const b of t.breakdown.filter((x) => x.slowTraces > 0).slice(0, 3)) {
    out.push(`### Where the time of slow ${inertMarkdownCode(b.operation, 120)} went`, '');
    out.push(`${formatNumber(b.slowTraces)} traces at or above its p90 (${ms(b.thresholdMs)}); share of their critical path:`, '');
    for (const s of b.shares) out.push(`- ${Math.round(s.percent)}% ${inertMarkdownCode(s.name, 120)} (${CATEGORY_LABEL[s.category]}), ${ms(s.ms / Math.max(1, b.slowTraces))} per trace`);
    out.push('');
  }
  const slow = t.slowest.slice(0, 3);
  if (slow.length > 0) {
    out.push('### Slowest traces', '');
    for (const s of slow) {
      out.push(`**${inertMarkdownCode(s.name, 120)}** ${ms(s.durationMs)}${s.error ? ' (error)' : ''}, trace ${inertMarkdownCode(s.traceId, 40)}, ${s.spanCount} spans`, '');
      out.push('| Span | Kind | Start | Duration | Self | Critical path |', '| --- | --- | ---: | ---: | ---: | ---: |');
      for (const sp of s.spans.slice(0, 15)) {
        const indent = '· '.repeat(Math.min(sp.depth, 8));
        out.push(`| ${indent}${inertMarkdownCode(sp.name, 100, true)}${sp.status === 'error' ? ' ⚠' : ''} | ${CATEGORY_LABEL[sp.category]} | +${ms(sp.startOffsetMs)} | ${ms(sp.durationMs)} | ${ms(sp.selfMs)} | ${ms(sp.criticalMs)} |`);
      }
      if (s.spans.length > 15) out.push('', `_${s.spans.length - 15} more spans in the JSON report._`);
      out.push('');
    }
  }
  for (const n of t.notes) out.push(`- _${inertMarkdownText(n, 600)}_`);
  if (t.notes.length > 0) out.push('');
  return out;
}
