/**
 * Two runs compared figure by figure — the one comparison behind `chatroom-monitor
 * compare`, Compare Runs… and the regression warning after a restart — and its
 * text for people, naming both commits.
 */
import { compareFigure, CompareOptions, FigureComparison } from '../analyze/compareRuns';
import { Thresholds } from '../analyze/diagnose';
import { RUN_FIGURES, RunSamples } from '../report/runSamples';
import { inertMarkdownText } from '../text/inertText';

export interface RunComparison {
  readonly base: { readonly commit: string | null; readonly dirty: boolean | null };
  readonly head: { readonly commit: string | null; readonly dirty: boolean | null };
  readonly figures: readonly FigureComparison[];
  /** Share of each run's seconds with the machine's CPU at or above Thresholds.systemBusyPercent, when both measured it. */
  readonly machineBusy?: { readonly base: number; readonly head: number };
  /** Why a named wall-clock change may be the machine's and not the build's; absent when nothing suggests it. */
  readonly caution?: string;
}

export function compareRuns(base: RunSamples, head: RunSamples, options?: CompareOptions): RunComparison {
  const figures = RUN_FIGURES.filter((d) => base.samples[d.id] && head.samples[d.id]).map((d) =>
    compareFigure(
      { id: d.id, label: d.label, unit: d.unit, direction: d.direction, base: base.samples[d.id]!, head: head.samples[d.id]!, minAbsoluteChange: d.minAbsoluteChange },
      options,
    ),
  );
  const machineBusy = busyShares(base, head);
  const caution = machineBusy ? machineCaution(machineBusy, figures) : undefined;
  return { base: commitOf(base), head: commitOf(head), figures, ...(machineBusy ? { machineBusy } : {}), ...(caution ? { caution } : {}) };
}

function busyShares(base: RunSamples, head: RunSamples): { base: number; head: number } | undefined {
  const share = (v: readonly number[] | undefined): number | undefined => (v && v.length > 0 ? v.filter((x) => x >= Thresholds.systemBusyPercent).length / v.length : undefined);
  const b = share(base.samples.machineCpuPercent);
  const h = share(head.samples.machineCpuPercent);
  return b === undefined || h === undefined ? undefined : { base: b, head: h };
}

/**
 * The machine was busy (as the report's system-contention issue means it) during
 * either run and a wall-clock figure was named: say so. The verdicts stay as they
 * are — a real regression on a busy machine is still one — but the reader learns
 * what else changed between the runs.
 */
function machineCaution(busy: { base: number; head: number }, figures: readonly FigureComparison[]): string | undefined {
  const wallClock = new Set(RUN_FIGURES.filter((f) => f.followsMachineLoad).map((f) => f.id));
  const named = figures.filter((r) => wallClock.has(r.id) && (r.verdict === 'regression' || r.verdict === 'improvement'));
  if (named.length === 0 || Math.max(busy.base, busy.head) < Thresholds.sustainedShare) {
    return undefined;
  }
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  return (
    `The machine's CPU was at or above ${Thresholds.systemBusyPercent}% for ${pct(busy.base)} of the base run's seconds and ${pct(busy.head)} of the head run's: ` +
    `${named.map((r) => r.label.toLowerCase()).join(', ')} also follow${named.length === 1 ? 's' : ''} the machine's other work, so the change may not be the build's. ` +
    'Compare again with the machine quiet; server CPU and CPU per 1,000 messages do not depend on it.'
  );
}

function commitOf(run: RunSamples): { commit: string | null; dirty: boolean | null } {
  return { commit: run.commit ?? null, dirty: run.dirty ?? null };
}

export const VERDICT_WORDS: Record<FigureComparison['verdict'], string> = {
  regression: 'REGRESSION',
  improvement: 'improvement',
  noChange: 'no significant change',
  notEnoughData: 'not enough data',
};

/** "3f2a9c1b04de (uncommitted changes)", or "unknown commit". */
export function commitName(c: { readonly commit: string | null; readonly dirty: boolean | null }): string {
  return c.commit ? c.commit.slice(0, 12) + (c.dirty ? ' (uncommitted changes)' : '') : 'unknown commit';
}

/** One line a figure: means, relative change, interval, effect size and verdict. */
export function figureLine(r: FigureComparison): string {
  const pct = Number.isFinite(r.relativeChange) ? `${r.relativeChange >= 0 ? '+' : ''}${(r.relativeChange * 100).toFixed(1)}%` : 'n/a';
  const ci = Number.isFinite(r.ci[0]) ? `, ${Math.round(r.confidence * 100)}% interval ${r.ci[0].toFixed(2)} … ${r.ci[1].toFixed(2)} ${r.unit}` : '';
  const effect = Number.isFinite(r.cliffsDelta) ? `, Cliff's δ ${r.cliffsDelta.toFixed(2)}` : '';
  return `${r.label}: ${r.baseMean.toFixed(2)} → ${r.headMean.toFixed(2)} ${r.unit} (${pct}${ci}${effect}) — ${VERDICT_WORDS[r.verdict]}`;
}

export function comparisonText(c: RunComparison, names: { base?: string; head?: string } = {}): string {
  const lines = [`base: ${names.base ?? commitName(c.base)}`, `head: ${names.head ?? commitName(c.head)}`, ''];
  for (const r of c.figures) {
    lines.push(figureLine(r));
  }
  if (c.figures.length === 0) {
    lines.push('No figure is in both runs.');
  } else if (c.figures.every((r) => r.verdict === 'noChange')) {
    lines.push('', 'No significant change.');
  }
  if (c.caution) {
    lines.push('', `Caution: ${c.caution}`);
  }
  return lines.join('\n') + '\n';
}

/** The significant regressions at least `minRelative` large, worst first. */
export function regressions(c: RunComparison, minRelative = 0): FigureComparison[] {
  return c.figures.filter((r) => r.verdict === 'regression' && Math.abs(r.relativeChange) >= minRelative).sort((a, b) => Math.abs(b.relativeChange) - Math.abs(a.relativeChange));
}

/**
 * The comparison as a Markdown document (Compare Runs…): a table a figure with both
 * means, the change, its interval, the effect size and the verdict, then what it
 * means in a sentence. Run names go through the inert-text module (branch names and
 * command lines are not ours).
 */
export function comparisonMarkdown(c: RunComparison, names: { base: string; head: string }): string {
  const num = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '—');
  const lines = [
    '# Run comparison',
    '',
    `- **Base:** ${inertMarkdownText(names.base)}`,
    `- **Head:** ${inertMarkdownText(names.head)}`,
    '',
    '| Figure | Base mean | Head mean | Change | Interval of the difference | Cliff\'s δ | Seconds (base / head) | Verdict |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |',
  ];
  for (const r of c.figures) {
    const pct = Number.isFinite(r.relativeChange) ? `${r.relativeChange >= 0 ? '+' : ''}${(r.relativeChange * 100).toFixed(1)}%` : '—';
    const ci = Number.isFinite(r.ci[0]) ? `${num(r.ci[0])} … ${num(r.ci[1])} (${Math.round(r.confidence * 100)}%)` : '—';
    const verdict = r.verdict === 'regression' ? '**regression**' : VERDICT_WORDS[r.verdict];
    lines.push(`| ${r.label} (${r.unit}) | ${num(r.baseMean)} | ${num(r.headMean)} | ${pct} | ${ci} | ${num(r.cliffsDelta)} | ${r.baseSamples} / ${r.headSamples} | ${verdict} |`);
  }
  lines.push('');
  const worse = regressions(c);
  const better = c.figures.filter((r) => r.verdict === 'improvement');
  if (c.figures.length === 0) {
    lines.push('No figure was measured in both runs.');
  } else if (worse.length > 0) {
    lines.push(`**The head is significantly worse:** ${worse.map((r) => `${r.label} ${(r.relativeChange * 100).toFixed(0)}%`).join(', ')}.`);
  } else if (better.length > 0) {
    lines.push(`The head is significantly better: ${better.map((r) => `${r.label} ${(r.relativeChange * 100).toFixed(0)}%`).join(', ')}; nothing got worse.`);
  } else if (c.figures.every((r) => r.verdict === 'notEnoughData')) {
    lines.push('Not enough data: each run needs at least 20 seconds of samples.');
  } else {
    lines.push('**No significant change.**');
  }
  if (c.caution) {
    lines.push('', `**Caution:** ${c.caution}`);
  }
  lines.push(
    '',
    'How to read it: the interval is a moving-block bootstrap of the difference of the per-second means (blocks keep the seconds\' dependence); ' +
      'a change is named only when the interval excludes zero and the change is at least 5% of the base (and 1 ms for latencies). Cliff\'s δ is the effect size: ' +
      'P(head > base) − P(head < base) over all pairs of seconds.',
  );
  return lines.join('\n') + '\n';
}
