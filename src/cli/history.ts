/**
 * `chatroom-monitor history export --store DIR [--format openmetrics|csv]`: the
 * history the extension keeps on disk, as OpenMetrics text (for `promtool tsdb
 * create-blocks-from openmetrics`) or CSV, for a window and a set of series.
 * The store is opened read-only: exporting beside a VS Code window that is still
 * recording changes nothing on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXPORT_FORMATS, ExportFormat, writeHistory } from '../core/store/historyExport';
import { HistoryLog } from '../core/store/historyLog';
import { checkWritableFile, duration } from './args';
import { CliCommand, CliIo, CliValues, PROGRAM } from './command';

export const historyCommand: CliCommand = {
  name: 'history',
  summary: 'export the history the extension keeps on disk (OpenMetrics or CSV)',
  usage: 'export --store DIR [--format openmetrics|csv] [--last 1h | --from T --to T] [--series NAME…] [--out FILE]',
  description:
    'Reads the history folder (the extension logs its path when it opens it: the workspace storage\'s "history" folder) without changing it, ' +
    'and writes its samples as OpenMetrics text (load it with `promtool tsdb create-blocks-from openmetrics FILE DIR`) or as CSV (one row a tick, one column a series).',
  options: {
    store: { type: 'string', value: 'DIR', help: 'the history folder' },
    format: { type: 'string', value: 'FMT', help: 'openmetrics (default) or csv' },
    last: { type: 'string', value: 'DURATION', help: 'only the last DURATION before the newest sample (like 30m, 2h, 7d)' },
    from: { type: 'string', value: 'TIME', help: 'from this time (ISO 8601 like 2026-11-29T21:00:00Z, or ms since the epoch)' },
    to: { type: 'string', value: 'TIME', help: 'up to this time (same forms as --from)' },
    series: { type: 'string', value: 'NAME', multiple: true, help: 'only series with this metric name (repeatable; default every series)' },
    out: { type: 'string', value: 'FILE', help: 'write to FILE instead of stdout' },
  },
  positionals: true,
  run: (values, io, positionals) => runHistory(values, io, positionals),
};

/** A time flag: ISO 8601 or whole milliseconds since the epoch. */
function timeOf(flag: string, text: string): number | { error: string } {
  const t = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Date.parse(text);
  return Number.isFinite(t) ? t : { error: `${flag} must be a time like 2026-11-29T21:00:00Z or milliseconds since the epoch, not "${text}".` };
}

async function runHistory(values: CliValues, io: CliIo, positionals: readonly string[]): Promise<number> {
  const fail = (message: string): number => {
    io.stderr(`${PROGRAM} history: ${message}\n`);
    return 2;
  };
  if (positionals.length !== 1 || positionals[0] !== 'export') {
    return fail(`say what to do with the history: \`${PROGRAM} history export --store DIR\`${positionals.length > 0 ? ` ("${positionals.join(' ')}" is not a history command)` : ''}.`);
  }
  const store = values.store;
  if (typeof store !== 'string' || store === '') {
    return fail('--store DIR is needed: the history folder (the extension names it in its log when it opens it).');
  }
  if (!fs.existsSync(store) || !fs.statSync(store).isDirectory()) {
    return fail(`--store: ${path.resolve(store)} is not a folder.`);
  }
  const format = (typeof values.format === 'string' ? values.format : 'openmetrics') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    return fail(`--format must be ${EXPORT_FORMATS.join(' or ')}, not "${String(values.format)}".`);
  }
  let fromMs = Number.NEGATIVE_INFINITY;
  let toMs = Number.POSITIVE_INFINITY;
  for (const [flag, set] of [
    ['from', (t: number) => (fromMs = t)],
    ['to', (t: number) => (toMs = t)],
  ] as const) {
    const text = values[flag];
    if (typeof text === 'string') {
      const t = timeOf(`--${flag}`, text);
      if (typeof t !== 'number') {
        return fail(t.error);
      }
      set(t);
    }
  }
  let lastMs: number | undefined;
  if (typeof values.last === 'string') {
    if (values.from !== undefined) {
      return fail('give --last or --from, not both.');
    }
    const d = duration('--last', values.last, 1000, Number.POSITIVE_INFINITY);
    if (typeof d !== 'number') {
      return fail(d.error);
    }
    lastMs = d;
  }
  if (fromMs > toMs) {
    return fail('--from is after --to.');
  }
  const out = typeof values.out === 'string' ? values.out : undefined;
  const outProblem = out === undefined ? undefined : checkWritableFile('--out', out);
  if (outProblem) {
    return fail(outProblem);
  }
  const names = Array.isArray(values.series) ? new Set(values.series as readonly string[]) : undefined;

  let log: HistoryLog;
  try {
    ({ log } = HistoryLog.open(store, { readOnly: true }));
  } catch (e) {
    return fail(`${path.resolve(store)} could not be read (${e instanceof Error ? e.message : String(e)}).`);
  }
  try {
    const filter = names ? (name: string): boolean => names.has(name) : undefined;
    if (lastMs !== undefined) {
      fromMs = log.newestTimeMs - lastMs;
    }
    const series = log.read(fromMs, toMs, filter);
    if (names) {
      const found = new Set([...series.values()].map((h) => h.name));
      const missing = [...names].filter((n) => !found.has(n));
      if (missing.length > 0) {
        io.stderr(`${PROGRAM} history: no samples of ${missing.join(', ')} in that window.\n`);
      }
    }
    const fd = out === undefined ? undefined : fs.openSync(out, 'w');
    try {
      const count = writeHistory(format, series.values(), (chunk) => (fd === undefined ? io.stdout(chunk) : fs.writeSync(fd, chunk)));
      if (out !== undefined) {
        io.stderr(`${PROGRAM} history: wrote ${count.samples} samples of ${count.series} series to ${out}.\n`);
      }
    } finally {
      if (fd !== undefined) {
        fs.closeSync(fd);
      }
    }
  } finally {
    log.dispose();
  }
  return 0;
}
