import { normalTail } from '../analyze/tail';
import { escapeLabelValue, Metric } from '../model';
import { formatDuration } from '../format';
import { LabelMatcher } from '../store/seriesStore';
import { formatPromDuration } from './duration';
import { CompiledRule } from './rule';
import { ruleTexts } from './ruleTexts';
import { formatValue, UnitSpec } from '../units';

export interface PrometheusExportOptions {
  /** The `job` label Prometheus gives the chat server's scrape. Default `chat-server`. */
  readonly job?: string;
  /** Rule group name. Default `chatroom-monitor`. */
  readonly group?: string;
}

/** A PromQL expression for a series, and a note when the translation is an assumption. */
interface Translated {
  readonly expr: string;
  /** A bare vector selector (usable with a range: `expr[5m]`). */
  readonly selector: boolean;
  readonly note?: string;
}

/**
 * Writes the rules as a Prometheus alerting-rules file (checked by `promtool check
 * rules`), so a team can carry what the developer tuned locally into real monitoring.
 *
 * Our own series become what Prometheus has: the server's own process metrics
 * (prom-client / prometheus_client names) under `job`, node_exporter for system_*,
 * `up` for target_up. Derived series are translated back: `<name>_p95` to
 * histogram_quantile over `<name>_bucket`, `<name>_per_second` to rate(`<name>_total`).
 * Hysteresis (clearThreshold) becomes the ALERTS self-reference pattern; forecast rules
 * become predict_linear. Written by hand (no YAML dependency): every string is quoted.
 */
export function toPrometheusRulesYaml(rules: readonly CompiledRule[], opts: PrometheusExportOptions = {}): string {
  const job = opts.job ?? 'chat-server';
  const lines: string[] = [
    '# Prometheus alerting rules exported by Chat-Room Monitor (chatroomMonitor.alerts.rules and the built-in rules).',
    '# Check with: promtool check rules <this file>',
    'groups:',
    `  - name: ${yamlString(opts.group ?? 'chatroom-monitor')}`,
  ];
  if (rules.length === 0) {
    lines.push('    rules: []');
    return lines.join('\n') + '\n';
  }
  lines.push('    rules:');
  for (const rule of rules) {
    const alert = alertName(rule.id);
    const { expr, notes } = ruleExpr(rule, alert, job);
    for (const note of notes) {
      lines.push(`      # ${note.replace(/[\r\n\u2028\u2029\u0085]+/g, ' ')}`);
    }
    lines.push(`      - alert: ${yamlString(alert)}`);
    lines.push(`        expr: ${yamlString(expr)}`);
    if (rule.forMs > 0) {
      lines.push(`        for: ${formatPromDuration(rule.forMs)}`);
    }
    if (rule.keepFiringForMs > 0) {
      lines.push(`        keep_firing_for: ${formatPromDuration(rule.keepFiringForMs)}`);
    }
    lines.push('        labels:');
    lines.push(`          severity: ${yamlString(rule.level)}`);
    lines.push('        annotations:');
    lines.push(`          summary: ${yamlString(goTemplate(rule, 'title'))}`);
    lines.push(`          description: ${yamlString(goTemplate(rule, 'message'))}`);
  }
  return lines.join('\n') + '\n';
}

/** z with P(Z > z) = p for a standard normal Z, by bisection on normalTail (p in (0, 0.5)). */
function normalQuantile(p: number): number {
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalTail(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** `process-cpu-warning` → `ProcessCpuWarning`; always a valid Prometheus alert name. */
export function alertName(id: string): string {
  const name = id
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p.length > 0)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
  if (name === '') {
    return 'ChatroomMonitorAlert';
  }
  return /^[0-9]/.test(name) ? `Alert${name}` : name;
}

function ruleExpr(rule: CompiledRule, alert: string, job: string): { expr: string; notes: string[] } {
  const notes: string[] = [];
  if (rule.kind === 'targetDown') {
    return { expr: `up{job="${escapeLabelValue(job)}"} == 0`, notes };
  }
  if (rule.forecast) {
    const f = rule.forecast;
    const t = translate(f.metric, [], job);
    if (t.note) {
      notes.push(t.note);
    }
    const range = t.selector ? `${t.expr}[30m]` : `(${t.expr})[30m:1m]`;
    notes.push(`Forecast: ${f.metric} reaching ${num(f.limit)} within ${formatPromDuration(f.withinMs)}, by a linear fit over 30m.`);
    return { expr: `predict_linear(${range}, ${num(f.withinMs / 1000)}) >= ${num(f.limit)}`, notes };
  }
  if (rule.anomaly) {
    // Prometheus has no calibrated detector: the nearest plain PromQL is a z-score
    // band over the last day, as many sigmas as the sensitivity's tail probability
    // would be for a normal variable.
    const a = rule.anomaly;
    const t = translate(a.metric, [], job);
    if (t.note) {
      notes.push(t.note);
    }
    const p = 10 ** (-10 * rule.threshold);
    const k = Math.round(normalQuantile(p) * 10) / 10;
    const x = t.selector ? t.expr : `(${t.expr})`;
    const range = (w: string): string => (t.selector ? `${t.expr}[${w}]` : `(${t.expr})[${w}:1m]`);
    notes.push(`Anomaly (sensitivity ${a.sensitivity}): approximated by |x − mean| > ${k} σ over the last day; the monitor itself calibrates each series to its own history.`);
    return { expr: `abs(${x} - avg_over_time(${range('1d')})) > ${num(k)} * stddev_over_time(${range('1d')})`, notes };
  }
  const t = translate(rule.metric, rule.matchers, job);
  if (t.note) {
    notes.push(t.note);
  }
  const value = t.selector ? t.expr : `(${t.expr})`;
  const main = `${value} ${rule.op} ${num(rule.threshold)}`;
  if (rule.clearThreshold === undefined || rule.clearThreshold === rule.threshold) {
    return { expr: main, notes };
  }
  // Prometheus has no hysteresis; the usual pattern keeps a firing alert alive while
  // the value is still past the clear threshold by joining with its own ALERTS series.
  notes.push(`Hysteresis: once firing, stays firing while the value is ${rule.op} ${num(rule.clearThreshold)}.`);
  const self = `ALERTS{alertname="${alert}",alertstate="firing"}`;
  return {
    expr: `${main} or (${value} ${rule.op} ${num(rule.clearThreshold)} and ignoring(alertname, alertstate, severity) ${self})`,
    notes,
  };
}

/** PromQL for one of our series names. */
function translate(name: string, matchers: readonly LabelMatcher[], job: string): Translated {
  const jobM: LabelMatcher = { label: 'job', op: '=', value: job };
  const own = (n: string): string => selector(n, [jobM, ...matchers]);
  const plain = matchers.length === 0;
  switch (name) {
    case Metric.targetUp:
    case Metric.scrapeUp:
      return { expr: selector('up', [jobM]), selector: true };
    case Metric.scrapeDurationSeconds:
      return { expr: selector('scrape_duration_seconds', [jobM]), selector: true };
    case Metric.processCpuPercent:
      return { expr: `rate(${own('process_cpu_seconds_total')}[1m]) * 100`, selector: false };
    case Metric.processRssBytes:
    case Metric.processOpenFds:
    case Metric.processMaxFds:
      // prom-client and prometheus_client expose these under the same names.
      return { expr: own(name), selector: true };
    case Metric.processUptimeSeconds:
      return { expr: `time() - ${own('process_start_time_seconds')}`, selector: false };
  }
  if (plain) {
    switch (name) {
      case Metric.systemCpuPercent:
        return { expr: '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[1m])))', selector: false, note: `${name}: node_exporter CPU busy percent, averaged over all CPUs.` };
      case Metric.systemMemoryPercent:
        return { expr: '100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)', selector: false };
      case Metric.systemMemoryUsedBytes:
        return { expr: 'node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes', selector: false };
      case Metric.systemMemoryTotalBytes:
        return { expr: 'node_memory_MemTotal_bytes', selector: true };
      case Metric.systemDiskPercent:
        return {
          expr: '100 * (1 - node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"})',
          selector: false,
          note: `${name}: node_exporter, root filesystem; change mountpoint for another disk.`,
        };
      case Metric.systemNetRxBytesPerSecond:
        return { expr: 'sum(rate(node_network_receive_bytes_total{device!="lo"}[1m]))', selector: false };
      case Metric.systemNetTxBytesPerSecond:
        return { expr: 'sum(rate(node_network_transmit_bytes_total{device!="lo"}[1m]))', selector: false };
    }
  }
  if (name.startsWith('system_') || name.startsWith('process_') || name.startsWith('target_')) {
    return { expr: selector(name, matchers), selector: true, note: `${name}: measured by Chat-Room Monitor itself, with no standard exporter equivalent; kept under its own name.` };
  }
  const q = /^(.+)_p(\d+)$/.exec(name);
  if (q) {
    const base = q[1]!;
    const by = ['le', ...new Set(matchers.map((m) => m.label))].join(', ');
    return {
      expr: `histogram_quantile(${num(Number(`0.${q[2]}`))}, sum by (${by}) (rate(${own(`${base}_bucket`)}[5m])))`,
      selector: false,
      note: `${name}: computed from the histogram ${base}_bucket over 5m.`,
    };
  }
  const rate = /^(.+)_per_second$/.exec(name);
  if (rate) {
    const base = rate[1]!;
    return { expr: `rate(${own(`${base}_total`)}[1m])`, selector: false, note: `${name}: the rate of the counter ${base}_total.` };
  }
  return { expr: own(name), selector: true };
}

function selector(name: string, matchers: readonly LabelMatcher[]): string {
  if (matchers.length === 0) {
    return name;
  }
  return `${name}{${matchers.map((m) => `${m.label}${m.op}"${escapeLabelValue(m.value)}"`).join(',')}}`;
}

/** Our title/message template in Prometheus' Go-template syntax. */
function goTemplate(rule: CompiledRule, which: 'title' | 'message'): string {
  if (rule.forecast && which === 'message') {
    const f = rule.forecast;
    return literal(
      `At its current trend ${f.metric} reaches ${formatValue(f.limit, f.limitUnit, { precise: true })} within ${formatDuration(f.withinMs)} (forecast: `,
    ) + `${valueTemplate(f.limitUnit)}).`;
  }
  const t = rule[which];
  const literalVars = ruleTexts(rule);
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') {
      out += literal(p);
    } else if ('label' in p) {
      out += `{{ $labels.${p.label} }}`;
    } else if (p.v === 'value') {
      out += rule.forecast ? valueTemplate(rule.forecast.limitUnit) : valueTemplate(rule.unit);
    } else {
      out += literal(literalVars[p.v]);
    }
  }
  return out;
}

/** `{{ $value }}` formatted like our own unit formatting. */
function valueTemplate(unit: UnitSpec): string {
  switch (unit.kind) {
    case 'percent':
      return '{{ $value | printf "%.1f" }}%';
    case 'bytes':
      return '{{ $value | humanize1024 }}B';
    case 'seconds':
      return '{{ $value | humanizeDuration }}';
    case 'timestamp':
      return '{{ $value | humanizeTimestamp }}';
    case 'bytesPerSecond':
      return '{{ $value | humanize1024 }}B/s';
    case 'perSecond':
      return '{{ $value | humanize }}/s';
    case 'ratio':
      return '{{ $value | humanizePercentage }}';
    case 'custom':
      return `{{ $value | humanize }} ${literal(unit.symbol)}`;
    case 'count':
      return '{{ $value | humanize }}';
  }
}

/** Text that Go templates must print as is: only `{{` is special outside an action. */
function literal(s: string): string {
  return s.replace(/\{\{/g, '{{ "{{" }}');
}

/** A PromQL number literal. */
function num(n: number): string {
  return Number.isInteger(n) || Math.abs(n) >= 1e-6 ? String(n) : n.toExponential();
}

/**
 * A YAML scalar, always quoted: single quotes (only `'` needs doubling, so PromQL reads
 * as written) unless it holds control or line-break characters, which need the
 * double-quoted form's escapes.
 */
export function yamlString(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) {
    return `'${s.replace(/'/g, "''")}'`;
  }
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') {
      out += '\\\\';
    } else if (ch === '"') {
      out += '\\"';
    } else if (ch === '\n') {
      out += '\\n';
    } else if (ch === '\t') {
      out += '\\t';
    } else if (c < 0x20 || c === 0x7f || c === 0x85 || c === 0x2028 || c === 0x2029 || c === 0xfeff) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else {
      out += ch;
    }
  }
  return out + '"';
}
