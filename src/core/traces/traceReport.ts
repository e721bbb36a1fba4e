/**
 * The traces part of the report for people: the Markdown section (operations, where
 * the slow requests' time went, the slowest traces as indented waterfalls) and the
 * analyzer issue made from the diagnosis. Span names, services and attributes come
 * from the watched side: every one goes through the inert-text module.
 * No protobufjs here: this file is part of the main bundle (the report command).
 */
import * as l10n from '@vscode/l10n';
import { Issue, TimeWindow } from '../analyze/issue';
import { formatNumber } from '../format';
import { spanCategoryWord } from '../i18n/words';
import { inertMarkdownCode, inertMarkdownText } from '../text/inertText';
import type { TracesReport } from './traceAnalysis';

/** The latency issue made from the trace diagnosis (none when nothing stands out). */
export function traceIssue(t: TracesReport, window: TimeWindow): Issue | undefined {
  if (t.diagnosis.length === 0) return undefined;
  const b = t.breakdown[0];
  return {
    id: 'trace-latency',
    category: 'latency',
    severity: 'warning',
    title: l10n.t('Slow requests: the traces say where the time went'),
    summary: t.diagnosis.map((s) => s + '.').join(' '),
    evidence: (b?.shares ?? []).slice(0, 3).map((s) => ({
      label: l10n.t('critical-path share of {0} ({1})', s.name, spanCategoryWord(s.category)),
      value: l10n.t('{0}% of {1} slow traces', Math.round(s.percent), b!.slowTraces),
      window,
    })),
    recommendations: {
      now: [l10n.t('Open the slowest trace in the dashboard (Traces) and look at the span that holds the most of the critical path.')],
      investigate: [
        l10n.t('A database span: look at the statement, its index use and what else holds the database (a lock, a long transaction).'),
        l10n.t('An outbound call: time out and retry it, or cache its answer; check the other service\'s own traces.'),
      ],
    },
  };
}

function ms(v: number): string {
  return Number.isFinite(v) ? `${formatNumber(v)} ms` : '—';
}

/** The "## Traces" section. */
export function tracesMarkdown(t: TracesReport): string[] {
  const out = [`## ${l10n.t('Traces')}`, ''];
  const evicted = t.evictedTraces > 0 ? l10n.t(', {0} older traces let go to stay within the store\'s bounds', formatNumber(t.evictedTraces)) : '';
  const rejected = t.rejectedSpans > 0 ? l10n.t('; {0} spans rejected (bad ids or times)', formatNumber(t.rejectedSpans)) : '';
  out.push(l10n.t('{0} spans received; {1} traces ({2} spans) kept{3}{4}.', formatNumber(t.spansReceived), formatNumber(t.tracesKept), formatNumber(t.spansKept), evicted, rejected), '');
  for (const d of t.diagnosis) out.push(`- **${inertMarkdownText(d, 600)}**`);
  if (t.diagnosis.length > 0) out.push('');
  if (t.operations.length === 0) {
    out.push(`_${l10n.t('No span arrived in this window. Point the server\'s OpenTelemetry OTLP exporter at the monitor ({0}).', 'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318')}_`, '');
  } else {
    out.push(`| ${l10n.t('Operation')} | ${l10n.t('Service')} | ${l10n.t('Kind')} | ${l10n.t('Count')} | ${l10n.t('Errors')} | p50 | p95 | p99 |`, '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |');
    for (const o of t.operations.slice(0, 20)) {
      out.push(`| ${inertMarkdownCode(o.name, 120, true)} | ${inertMarkdownCode(o.service || '—', 60, true)} | ${spanCategoryWord(o.category)} | ${formatNumber(o.count)} | ${formatNumber(o.errorRate * 100)}% | ${ms(o.p50Ms)} | ${ms(o.p95Ms)} | ${ms(o.p99Ms)} |`);
    }
    if (t.operations.length > 20) out.push('', `_${l10n.t('{0} more operations in the JSON report.', t.operations.length - 20)}_`);
    out.push('');
  }
  for (const b of t.breakdown.filter((x) => x.slowTraces > 0).slice(0, 3)) {
    out.push(`### ${l10n.t('Where the time of slow {0} went', inertMarkdownCode(b.operation, 120))}`, '');
    out.push(l10n.t('{0} traces at or above its p90 ({1}); share of their critical path:', formatNumber(b.slowTraces), ms(b.thresholdMs)), '');
    for (const s of b.shares) out.push(`- ${l10n.t('{0}% {1} ({2}), {3} per trace', Math.round(s.percent), inertMarkdownCode(s.name, 120), spanCategoryWord(s.category), ms(s.ms / Math.max(1, b.slowTraces)))}`);
    out.push('');
  }
  const slow = t.slowest.slice(0, 3);
  if (slow.length > 0) {
    out.push(`### ${l10n.t('Slowest traces')}`, '');
    for (const s of slow) {
      out.push(`**${inertMarkdownCode(s.name, 120)}** ${l10n.t('{0}{1}, trace {2}, {3} spans', ms(s.durationMs), s.error ? l10n.t(' (error)') : '', inertMarkdownCode(s.traceId, 40), s.spanCount)}`, '');
      out.push(`| ${l10n.t('Span')} | ${l10n.t('Kind')} | ${l10n.t('Start')} | ${l10n.t('Duration')} | ${l10n.t('Self')} | ${l10n.t('Critical path')} |`, '| --- | --- | ---: | ---: | ---: | ---: |');
      for (const sp of s.spans.slice(0, 15)) {
        const indent = '· '.repeat(Math.min(sp.depth, 8));
        out.push(`| ${indent}${inertMarkdownCode(sp.name, 100, true)}${sp.status === 'error' ? ' ⚠' : ''} | ${spanCategoryWord(sp.category)} | +${ms(sp.startOffsetMs)} | ${ms(sp.durationMs)} | ${ms(sp.selfMs)} | ${ms(sp.criticalMs)} |`);
      }
      if (s.spans.length > 15) out.push('', `_${l10n.t('{0} more spans in the JSON report.', s.spans.length - 15)}_`);
      out.push('');
    }
  }
  for (const n of t.notes) out.push(`- _${inertMarkdownText(n, 600)}_`);
  if (t.notes.length > 0) out.push('');
  return out;
}
