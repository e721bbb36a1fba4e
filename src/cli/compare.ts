import fs from 'node:fs';
import * as l10n from '@vscode/l10n';
import { RunSamples } from '../core/report/runSamples';
import { commitText } from '../core/runs/runs';
import { compareRuns, comparisonText, regressions } from '../core/runs/runComparison';
import { runSamplesOfLog, runsOfLog } from '../core/store/historyRecorder';
import { CliCommand, CliOption, CliIo, CliValues } from './command';
import { jsonNumbers, openHistory } from './history';

/**
 * `chatroom-monitor compare BASE.json HEAD.json` (or `compare --store DIR RUN RUN`):
 * did the change make it slower? Reads two runs — the `run` block of two JSON
 * reports, or two runs of the history on disk — compares each figure with a
 * block-bootstrap interval and a practical threshold, and exits 1 on a significant
 * regression larger than --fail-on-regression.
 */
export const compareCommand: CliCommand = {
  name: 'compare',
  get summary() {
    return l10n.t('compare two runs (JSON reports, or runs in the history): what changed, with statistics that hold up');
  },
  usage: 'BASE.json HEAD.json [--fail-on-regression 10%] [--json]  |  --store DIR BASE_RUN HEAD_RUN',
  get description() {
    return l10n.t('Compares the per-second figures of two reports made with `report --json` (CPU, memory, message rate, latency p50/p95/p99, errors, users), or of two runs in the history folder (ids from `history runs --store DIR`; `latest` and `previous` also work). A change is named only when its 99% moving-block bootstrap interval excludes zero and it is at least 5% of the base; otherwise "no significant change".');
  },
  get options(): Readonly<Record<string, CliOption>> {
    return {
      'fail-on-regression': { type: 'string', value: 'P%', help: l10n.t('exit 1 when a figure regressed significantly by at least P per cent') },
      json: { type: 'boolean', help: l10n.t('print the comparison as JSON') },
      store: { type: 'string', value: 'DIR', help: l10n.t('compare two runs of this history folder instead of two reports') },
    };
  },
  positionals: true,
  async run(values: CliValues, io: CliIo, positionals: readonly string[]): Promise<number> {
    if (positionals.length !== 2) {
      io.stderr(
        values.store !== undefined
          ? `compare: ${l10n.t('give two runs of the history, the base and the head (got {0}); list them with {1}.', positionals.length, '`chatroom-monitor history runs --store DIR`')}\n`
          : `compare: ${l10n.t('give two JSON reports, the base and the head (got {0}); make them with {1}.', positionals.length, '`chatroom-monitor report --json --out FILE`')}\n`,
      );
      return 2;
    }
    let failAt: number | undefined;
    const f = values['fail-on-regression'];
    if (typeof f === 'string') {
      const m = /^(\d+(?:\.\d+)?)%?$/.exec(f.trim());
      if (!m) {
        io.stderr(`compare: ${l10n.t('--fail-on-regression "{0}" is not a percentage; use for example 10%.', f)}\n`);
        return 2;
      }
      failAt = Number(m[1]) / 100;
    }
    const runs = values.store !== undefined ? readStoreRuns(values.store, positionals, io) : readReportRuns(positionals, io);
    if (!runs) {
      return 2;
    }
    const comparison = compareRuns(runs.base, runs.head);
    const failing = failAt === undefined ? [] : regressions(comparison, failAt);
    if (values.json) {
      io.stdout(JSON.stringify({ ...comparison, failed: failing.map((r) => r.id) }, jsonNumbers, 2) + '\n');
    } else {
      io.stdout(comparisonText(comparison, runs.names));
    }
    return failing.length > 0 ? 1 : 0;
  },
};

interface TwoRuns {
  readonly base: RunSamples;
  readonly head: RunSamples;
  readonly names?: { base: string; head: string };
}

function readReportRuns(files: readonly string[], io: CliIo): TwoRuns | undefined {
  const runs: RunSamples[] = [];
  for (const file of files) {
    const run = readRun(file, io);
    if (!run) {
      return undefined;
    }
    runs.push(run);
  }
  return { base: runs[0]!, head: runs[1]! };
}

function readStoreRuns(store: unknown, ids: readonly string[], io: CliIo): TwoRuns | undefined {
  const opened = openHistory(store);
  if ('error' in opened) {
    io.stderr(`compare: ${opened.error}\n`);
    return undefined;
  }
  try {
    const all = runsOfLog(opened.log);
    const picked = ids.map((id) => (id === 'latest' ? all.at(-1) : id === 'previous' ? all.at(-2) : all.find((r) => r.id === id)));
    const missing = ids.filter((_id, i) => !picked[i]);
    if (missing.length > 0) {
      io.stderr(`compare: ${l10n.t('no run {0} in {1} ({2} runs); list them with {3}.', missing.map((m) => `"${m}"`).join(l10n.t(' or ')), String(store), all.length, '`chatroom-monitor history runs --store DIR`')}\n`);
      return undefined;
    }
    const [base, head] = picked as [NonNullable<(typeof picked)[0]>, NonNullable<(typeof picked)[0]>];
    const label = (r: typeof base): string => l10n.t('run {0} ({1}, pid {2}), {3}', r.id, new Date(r.startMs).toISOString(), r.pid, commitText(r));
    return { base: runSamplesOfLog(opened.log, base), head: runSamplesOfLog(opened.log, head), names: { base: label(base), head: label(head) } };
  } finally {
    opened.log.dispose();
  }
}

function readRun(file: string, io: CliIo): RunSamples | undefined {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    io.stderr(`compare: ${l10n.t('{0} could not be read as JSON ({1}).', file, e instanceof Error ? e.message : String(e))}\n`);
    return undefined;
  }
  const run = (json as { run?: RunSamples }).run;
  if (!run || typeof run !== 'object' || typeof run.samples !== 'object') {
    io.stderr(`compare: ${l10n.t('{0} has no "run" block; make it with {1} from this version.', file, '`chatroom-monitor report --json`')}\n`);
    return undefined;
  }
  return run;
}
