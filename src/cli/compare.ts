import fs from 'node:fs';
import { compareFigure, FigureComparison } from '../core/analyze/compareRuns';
import { RUN_FIGURES, RunSamples } from '../core/report/runSamples';
import { CliCommand, CliIo, CliValues } from './command';

/**
 * `chatroom-monitor compare BASE.json HEAD.json`: did the change make it slower?
 * Reads two JSON reports (their `run` block: the figures tick by tick and the
 * commit), compares each figure with a block-bootstrap interval and a practical
 * threshold, and exits 1 on a significant regression larger than
 * --fail-on-regression.
 */
export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'compare two runs (JSON reports): what changed, with statistics that hold up',
  usage: 'BASE.json HEAD.json [--fail-on-regression 10%] [--json]',
  description:
    'Compares the per-second figures of two reports made with `report --json` (CPU, memory, message rate, latency p95). ' +
    'A change is named only when its 99% moving-block bootstrap interval excludes zero and it is at least 5% of the base; otherwise "no significant change".',
  options: {
    'fail-on-regression': { type: 'string', value: 'P%', help: 'exit 1 when a figure regressed significantly by at least P per cent' },
    json: { type: 'boolean', help: 'print the comparison as JSON' },
  },
  positionals: true,
  async run(values: CliValues, io: CliIo, positionals: readonly string[]): Promise<number> {
    if (positionals.length !== 2) {
      io.stderr(`compare: give two JSON reports, the base and the head (got ${positionals.length}); make them with \`chatroom-monitor report --json --out FILE\`.\n`);
      return 2;
    }
    let failAt: number | undefined;
    const f = values['fail-on-regression'];
    if (typeof f === 'string') {
      const m = /^(\d+(?:\.\d+)?)%?$/.exec(f.trim());
      if (!m) {
        io.stderr(`compare: --fail-on-regression "${f}" is not a percentage; use for example 10%.\n`);
        return 2;
      }
      failAt = Number(m[1]) / 100;
    }
    const runs: RunSamples[] = [];
    for (const file of positionals) {
      const run = readRun(file, io);
      if (!run) {
        return 2;
      }
      runs.push(run);
    }
    const [base, head] = runs as [RunSamples, RunSamples];
    const results = RUN_FIGURES.filter((d) => base.samples[d.id] && head.samples[d.id]).map((d) =>
      compareFigure({ id: d.id, label: d.label, unit: d.unit, direction: d.direction, base: base.samples[d.id]!, head: head.samples[d.id]! }),
    );
    const failing = failAt === undefined ? [] : results.filter((r) => r.verdict === 'regression' && Math.abs(r.relativeChange) >= failAt);
    if (values.json) {
      io.stdout(JSON.stringify({ base: commitOf(base), head: commitOf(head), figures: results, failed: failing.map((r) => r.id) }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
    } else {
      io.stdout(renderText(results, base, head));
    }
    return failing.length > 0 ? 1 : 0;
  },
};

function commitOf(run: RunSamples): { commit: string | null; dirty: boolean | null } {
  return { commit: run.commit ?? null, dirty: run.dirty ?? null };
}

function readRun(file: string, io: CliIo): RunSamples | undefined {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    io.stderr(`compare: ${file} could not be read as JSON (${e instanceof Error ? e.message : String(e)}).\n`);
    return undefined;
  }
  const run = (json as { run?: RunSamples }).run;
  if (!run || typeof run !== 'object' || typeof run.samples !== 'object') {
    io.stderr(`compare: ${file} has no "run" block; make it with \`chatroom-monitor report --json\` from this version.\n`);
    return undefined;
  }
  return run;
}

const VERDICT_WORDS: Record<FigureComparison['verdict'], string> = {
  regression: 'REGRESSION',
  improvement: 'improvement',
  noChange: 'no significant change',
  notEnoughData: 'not enough data',
};

function renderText(results: readonly FigureComparison[], base: RunSamples, head: RunSamples): string {
  const name = (r: RunSamples): string => (r.commit ? r.commit.slice(0, 12) + (r.dirty ? ' (uncommitted changes)' : '') : 'unknown commit');
  const lines = [`base: ${name(base)}`, `head: ${name(head)}`, ''];
  for (const r of results) {
    const pct = Number.isFinite(r.relativeChange) ? `${r.relativeChange >= 0 ? '+' : ''}${(r.relativeChange * 100).toFixed(1)}%` : 'n/a';
    const ci = Number.isFinite(r.ci[0]) ? `, ${Math.round(r.confidence * 100)}% interval ${r.ci[0].toFixed(2)} … ${r.ci[1].toFixed(2)} ${r.unit}` : '';
    lines.push(`${r.label}: ${r.baseMean.toFixed(2)} → ${r.headMean.toFixed(2)} ${r.unit} (${pct}${ci}) — ${VERDICT_WORDS[r.verdict]}`);
  }
  if (results.length === 0) {
    lines.push('No figure is in both reports.');
  } else if (results.every((r) => r.verdict === 'noChange')) {
    lines.push('', 'No significant change.');
  }
  return lines.join('\n') + '\n';
}
