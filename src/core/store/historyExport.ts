/**
 * History out of the monitor, in the formats other tools read: OpenMetrics text
 * (what `promtool tsdb create-blocks-from openmetrics` loads into a Prometheus TSDB)
 * and CSV (one row per tick, one column per series, for a spreadsheet or pandas).
 *
 * Values are written exactly: the shortest decimal that reads back as the same
 * float64 (so `promtool tsdb dump` returns the stored values), `-0`, `±Inf`.
 * Text is written as chunks to a sink, one series (OpenMetrics) or one row (CSV) at
 * a time, so a long window never becomes one giant string.
 */
import { Labels } from '../model';
import { SeriesHistory } from './historyLog';

export type ExportFormat = 'openmetrics' | 'csv';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['openmetrics', 'csv'];

/** What an export wrote. */
export interface ExportCount {
  readonly series: number;
  readonly samples: number;
}

/** Prometheus' metric-name alphabet; anything else becomes `_` (a digit first gets a `_` before it). */
export function exportMetricName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[a-zA-Z_:]/.test(s) ? s : `_${s}`;
}

/** Label names: no colon, and `__` is reserved for Prometheus itself. */
export function exportLabelName(name: string): string {
  let s = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (!/^[a-zA-Z_]/.test(s)) {
    s = `_${s}`;
  }
  return s.startsWith('__') ? `x${s}` : s;
}

/** OpenMetrics label value escaping: backslash, double quote and line feed. */
function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `name{a="b",c="d"}` with names made valid and values escaped; labels sorted by name. */
export function exportSeriesName(name: string, labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${exportLabelName(k)}="${escapeLabelValue(labels[k]!)}"`);
  return parts.length > 0 ? `${exportMetricName(name)}{${parts.join(',')}}` : exportMetricName(name);
}

/** A float64 as text that parses back to the same bits (Go's ParseFloat, JS Number). */
export function exportNumber(v: number): string {
  if (v === Number.POSITIVE_INFINITY) {
    return '+Inf';
  }
  if (v === Number.NEGATIVE_INFINITY) {
    return '-Inf';
  }
  if (Object.is(v, -0)) {
    return '-0';
  }
  return String(v);
}

/** Milliseconds as OpenMetrics seconds, exact to the millisecond. */
function seconds(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const frac = ms - whole * 1000;
  return frac === 0 ? String(whole) : `${whole}.${String(Math.round(frac)).padStart(3, '0')}`;
}

/**
 * OpenMetrics text: one family per metric name (`# TYPE name gauge` — what the
 * monitor stores are gauges and rates already derived from counters), its series
 * together, samples in time order with their timestamps, then `# EOF`.
 */
export function writeOpenMetrics(series: Iterable<SeriesHistory>, write: (chunk: string) => void): ExportCount {
  const families = new Map<string, SeriesHistory[]>();
  for (const h of series) {
    const name = exportMetricName(h.name);
    const list = families.get(name);
    if (list) {
      list.push(h);
    } else {
      families.set(name, [h]);
    }
  }
  let count = 0;
  let samples = 0;
  for (const [name, list] of [...families].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    write(`# TYPE ${name} gauge\n`);
    for (const h of list) {
      if (h.times.length === 0) {
        continue;
      }
      const id = exportSeriesName(h.name, h.labels);
      const lines: string[] = [];
      for (let i = 0; i < h.times.length; i++) {
        lines.push(`${id} ${exportNumber(h.values[i]!)} ${seconds(h.times[i]!)}\n`);
      }
      write(lines.join(''));
      count++;
      samples += h.times.length;
    }
  }
  write('# EOF\n');
  return { series: count, samples };
}

/**
 * A CSV field, quoted when it needs to be. Series names start with a letter, `_` or
 * `:` (exportMetricName), so no header cell begins with `=`, `+`, `-` or `@` and a
 * spreadsheet never runs a label value as a formula.
 */
function csvText(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV: a header `time,timestamp_ms,<series>…` (series as `name{labels}`), then one
 * row per distinct timestamp in time order, an empty cell where a series has no
 * sample. `time` is ISO 8601 UTC.
 */
export function writeCsv(series: Iterable<SeriesHistory>, write: (chunk: string) => void): ExportCount {
  const list = [...series].filter((h) => h.times.length > 0);
  list.sort((a, b) => {
    const x = exportSeriesName(a.name, a.labels);
    const y = exportSeriesName(b.name, b.labels);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  write(['time', 'timestamp_ms', ...list.map((h) => csvText(exportSeriesName(h.name, h.labels)))].join(',') + '\r\n');
  const pos = new Array<number>(list.length).fill(0);
  let samples = 0;
  let rows: string[] = [];
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (let i = 0; i < list.length; i++) {
      const h = list[i]!;
      if (pos[i]! < h.times.length && h.times[pos[i]!]! < t) {
        t = h.times[pos[i]!]!;
      }
    }
    if (t === Number.POSITIVE_INFINITY) {
      break;
    }
    const cells = [new Date(t).toISOString(), String(t)];
    for (let i = 0; i < list.length; i++) {
      const h = list[i]!;
      const p = pos[i]!;
      if (p < h.times.length && h.times[p] === t) {
        cells.push(exportNumber(h.values[p]!));
        pos[i] = p + 1;
        samples++;
      } else {
        cells.push('');
      }
    }
    rows.push(cells.join(',') + '\r\n');
    if (rows.length >= 1000) {
      write(rows.join(''));
      rows = [];
    }
  }
  write(rows.join(''));
  return { series: list.length, samples };
}

/** The export in `format`, chunk by chunk. */
export function writeHistory(format: ExportFormat, series: Iterable<SeriesHistory>, write: (chunk: string) => void): ExportCount {
  return format === 'csv' ? writeCsv(series, write) : writeOpenMetrics(series, write);
}
