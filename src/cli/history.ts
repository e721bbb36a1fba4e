/**
 * `chatroom-monitor history export --store DIR [--format openmetrics|csv]`: the
 * history the extension keeps on disk, as OpenMetrics text (for `promtool tsdb
 * create-blocks-from openmetrics`) or CSV, for a window and a set of series.
 * The store is opened read-only: exporting beside a VS Code window that is still
 * recording changes nothing on disk.
 */
import * as l10n from '@vscode/l10n';
import fs from 'node:fs';
import path from 'node:path';
import { EXPORT_FORMATS, ExportFormat, writeHistory } from '../core/store/historyExport';
import { HistoryLog, SeriesHistory, SeriesTierHistory } from '../core/store/historyLog';
import { tierMeans } from '../core/store/tiers';
import { runSamplesOfLog, runsOfLog } from '../core/store/historyRecorder';
import { commitText, RunInfo } from '../core/runs/runs';
import { checkWritableFile, duration } from './args';
import { CliCommand, CliOption, CliIo, CliValues, PROGRAM } from './command';

export const historyCommand: CliCommand = {
  name: 'history',
  get summary() {
    return l10n.t('the history the extension keeps on disk: list its runs, or export it (OpenMetrics or CSV)');
  },
  usage: 'runs --store DIR [--json]  |  export --store DIR [--format openmetrics|csv] [--last 1h | --from T --to T] [--series NAME…] [--tier 1m] [--out FILE]',
  get description() {
    return l10n.t('Reads the history folder (the extension logs its path when it opens it: the workspace storage\'s "history" folder) without changing it. `runs` lists each start of the server with its commit and summary (compare two of them with `compare --store DIR RUN RUN`); `export` writes the samples as OpenMetrics text (load it with `promtool tsdb create-blocks-from openmetrics FILE DIR`) or as CSV (one row a tick, one column a series).');
  },
  get options(): Readonly<Record<string, CliOption>> {
    return {
      store: { type: 'string', value: 'DIR', help: l10n.t('the history folder') },
      format: { type: 'string', value: 'FMT', help: l10n.t('openmetrics (default) or csv') },
      last: { type: 'string', value: 'DURATION', help: l10n.t('only the last DURATION before the newest sample (like 30m, 2h, 7d)') },
      from: { type: 'string', value: 'TIME', help: l10n.t('from this time (ISO 8601 like 2026-11-29T21:00:00Z, or ms since the epoch)') },
      to: { type: 'string', value: 'TIME', help: l10n.t('up to this time (same forms as --from)') },
      series: { type: 'string', value: 'NAME', multiple: true, help: l10n.t('only series with this metric name (repeatable; default every series)') },
      out: { type: 'string', value: 'FILE', help: l10n.t('write to FILE instead of stdout') },
      tier: { type: 'string', value: '1m', help: l10n.t('export the 1 min tier instead of the samples: per bucket NAME:avg_1m, NAME:min_1m, NAME:max_1m, NAME:count_1m (long ranges, a point a minute)') },
      json: { type: 'boolean', help: l10n.t('runs: print the list as JSON') },
    };
  },
  positionals: true,
  run: (values, io, positionals) => runHistory(values, io, positionals),
};

/** The history folder named by --store, opened read-only, or a sentence saying what is wrong. */
export function openHistory(store: unknown): { log: HistoryLog } | { error: string } {
  if (typeof store !== 'string' || store === '') {
    return { error: l10n.t('--store DIR is needed: the history folder (the extension names it in its log when it opens it).') };
  }
  if (!fs.existsSync(store) || !fs.statSync(store).isDirectory()) {
    return { error: l10n.t('{0}: {1} is not a folder.', '--store', path.resolve(store)) };
  }
  try {
    return { log: HistoryLog.open(store, { readOnly: true }).log };
  } catch (e) {
    return { error: l10n.t('{0} could not be read ({1}).', path.resolve(store), e instanceof Error ? e.message : String(e)) };
  }
}

/** A run as listed: who, when, which commit, and its summary. */
export interface ListedRun extends RunInfo {
  readonly summary: Readonly<Record<string, number>>;
  readonly ticks: number;
}

export function listRuns(log: HistoryLog): ListedRun[] {
  return runsOfLog(log).map((run) => {
    const s = runSamplesOfLog(log, run);
    return { ...run, summary: s.summary, ticks: Math.max(0, ...Object.values(s.samples).map((v) => v.length)) };
  });
}

/** Non-finite numbers become null in JSON (NaN is not JSON). */
export function jsonNumbers(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

function renderRuns(runs: readonly ListedRun[]): string {
  if (runs.length === 0) {
    return l10n.t('No runs in this history yet: a run starts when the monitor first sees the server running.') + '\n';
  }
  const fmt = (v: number | undefined, digits: number): string => (v === undefined ? '—' : v.toFixed(digits));
  const lines: string[] = [];
  for (const r of runs) {
    const s = r.summary;
    lines.push(
      `${r.id}  ${new Date(r.startMs).toISOString()} → ${r.ended ? new Date(r.endMs).toISOString() : l10n.t('still running')}  pid ${r.pid}  ${commitText(r)}`,
      '    ' +
        l10n.t(
          '{0} ticks · CPU {1}% · {2} core-s per 1,000 messages · RSS {3} MiB ({4} MiB a user) · p50/p95/p99 {5}/{6}/{7} ms · {8} errors/s · {9} msg/s',
          r.ticks,
          fmt(s['cpuPercent'], 1),
          fmt(s['cpuSecondsPer1kMessages'], 3),
          fmt(s['rssMiB'], 1),
          fmt(s['rssMiBPerUser'], 2),
          fmt(s['latencyP50Ms'], 1),
          fmt(s['latencyP95Ms'], 1),
          fmt(s['latencyP99Ms'], 1),
          fmt(s['errorsPerSecond'], 2),
          fmt(s['messagesPerSecond'], 1),
        ),
    );
  }
  return lines.join('\n') + '\n';
}

/** A time flag: ISO 8601 or whole milliseconds since the epoch. */
function timeOf(flag: string, text: string): number | { error: string } {
  const t = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Date.parse(text);
  return Number.isFinite(t) ? t : { error: l10n.t('{0} must be a time like 2026-11-29T21:00:00Z or milliseconds since the epoch, not "{1}".', flag, text) };
}

async function runHistory(values: CliValues, io: CliIo, positionals: readonly string[]): Promise<number> {
  const fail = (message: string): number => {
    io.stderr(`${PROGRAM} history: ${message}\n`);
    return 2;
  };
  if (positionals.length !== 1 || (positionals[0] !== 'export' && positionals[0] !== 'runs')) {
    const runs = `\`${PROGRAM} history runs --store DIR\``;
    const exp = `\`${PROGRAM} history export --store DIR\``;
    return fail(
      positionals.length > 0
        ? l10n.t('say what to do with the history: {0} or {1} ("{2}" is not a history command).', runs, exp, positionals.join(' '))
        : l10n.t('say what to do with the history: {0} or {1}.', runs, exp),
    );
  }
  if (positionals[0] === 'runs') {
    const opened = openHistory(values.store);
    if ('error' in opened) {
      return fail(opened.error);
    }
    try {
      const runs = listRuns(opened.log);
      io.stdout(values.json ? JSON.stringify({ runs }, jsonNumbers, 2) + '\n' : renderRuns(runs));
    } finally {
      opened.log.dispose();
    }
    return 0;
  }
  const format = (typeof values.format === 'string' ? values.format : 'openmetrics') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    return fail(l10n.t('--format must be {0}, not "{1}".', EXPORT_FORMATS.join(l10n.t(' or ')), String(values.format)));
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
      return fail(l10n.t('give --last or --from, not both.'));
    }
    const d = duration('--last', values.last, 1000, Number.POSITIVE_INFINITY);
    if (typeof d !== 'number') {
      return fail(d.error);
    }
    lastMs = d;
  }
  if (fromMs > toMs) {
    return fail(l10n.t('--from is after --to.'));
  }
  const out = typeof values.out === 'string' ? values.out : undefined;
  const outProblem = out === undefined ? undefined : checkWritableFile('--out', out);
  if (outProblem) {
    return fail(outProblem);
  }
  const names = Array.isArray(values.series) ? new Set(values.series as readonly string[]) : undefined;
  if (values.tier !== undefined && values.tier !== '1m') {
    return fail(l10n.t('--tier must be 1m (the tier kept on disk), not "{0}".', String(values.tier)));
  }

  const opened = openHistory(values.store);
  if ('error' in opened) {
    return fail(opened.error);
  }
  const log = opened.log;
  try {
    const filter = names ? (name: string): boolean => names.has(name) : undefined;
    if (lastMs !== undefined) {
      fromMs = log.newestTimeMs - lastMs;
    }
    const series = values.tier === '1m' ? tierSeries(log.readTiers(60_000, fromMs, toMs, filter)) : log.read(fromMs, toMs, filter);
    if (names) {
      const found = new Set([...series.values()].map((h) => h.name));
      const missing = [...names].filter((n) => !found.has(n));
      if (missing.length > 0) {
        io.stderr(`${PROGRAM} history: ${l10n.t('no samples of {0} in that window.', missing.join(l10n.t(', ')))}\n`);
      }
    }
    const fd = out === undefined ? undefined : fs.openSync(out, 'w');
    try {
      const count = writeHistory(format, series.values(), (chunk) => (fd === undefined ? io.stdout(chunk) : fs.writeSync(fd, chunk)));
      if (out !== undefined) {
        io.stderr(`${PROGRAM} history: ${l10n.t('wrote {0} samples of {1} series to {2}.', count.samples, count.series, out)}\n`);
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

/**
 * A tier's buckets as series a Prometheus recording rule would name: NAME:avg_1m,
 * NAME:min_1m, NAME:max_1m and NAME:count_1m, a point at each bucket's start.
 */
function tierSeries(tiers: ReadonlyMap<string, SeriesTierHistory>): Map<string, SeriesHistory> {
  const out = new Map<string, SeriesHistory>();
  for (const [key, t] of tiers) {
    const b = t.buckets;
    const parts: [string, Float64Array][] = [
      ['avg_1m', tierMeans(b)],
      ['min_1m', b.min],
      ['max_1m', b.max],
      ['count_1m', Float64Array.from(b.count)],
    ];
    for (const [suffix, values] of parts) {
      out.set(`${key}:${suffix}`, { name: `${t.name}:${suffix}`, labels: t.labels, times: b.times, values });
    }
  }
  return out;
}
