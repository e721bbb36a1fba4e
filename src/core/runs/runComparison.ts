/**
 * Two runs compared figure by figure — the one comparison behind `chatroom-monitor
 * compare`, Compare Runs… and the regression warning after a restart — and its
 * text for people, naming both commits.
 */
import * as l10n from '@vscode/l10n';
import { compareFigure, CompareOptions, FigureComparison } from '../analyze/compareRuns';
import { Thresholds } from '../analyze/diagnose';
import { RUN_FIGURES, runFigureLabel, runFigureUnit, RunSamples } from '../report/runSamples';
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
      { id: d.id, label: runFigureLabel(d.id, d.label), unit: runFigureUnit(d.unit), direction: d.direction, base: base.samples[d.id]!, head: head.samples[d.id]!, minAbsoluteChange: d.minAbsoluteChange },
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
  const names = named.map((r) => r.label.toLowerCase()).join(l10n.t(', '));
  const args = [Thresholds.systemBusyPercent, pct(busy.base), pct(busy.head), names];
  return named.length === 1
    ? l10n.t(
        "The machine's CPU was at or above {0}% for {1} of the base run's seconds and {2} of the head run's: {3} also follows the machine's other work, so the change may not be the build's. Compare again with the machine quiet; server CPU and CPU per 1,000 messages do not depend on it.",
        ...args,
      )
    : l10n.t(
        "The machine's CPU was at or above {0}% for {1} of the base run's seconds and {2} of the head run's: {3} also follow the machine's other work, so the change may not be the build's. Compare again with the machine quiet; server CPU and CPU per 1,000 messages do not depend on it.",
        ...args,
      );
}

function commitOf(run: RunSamples): { commit: string | null; dirty: boolean | null } {
  return { commit: run.commit ?? null, dirty: run.dirty ?? null };
}

/** A comparison's verdict in words (the display language). */
export function verdictWord(v: FigureComparison['verdict']): string {
  switch (v) {
    case 'regression':
      return l10n.t('REGRESSION');
    case 'improvement':
      return l10n.t('improvement');
    case 'noChange':
      return l10n.t('no significant change');
    case 'notEnoughData':
      return l10n.t('not enough data');
  }
}

/** "3f2a9c1b04de (uncommitted changes)", or "unknown commit". */
export function commitName(c: { readonly commit: string | null; readonly dirty: boolean | null }): string {
  return c.commit ? (c.dirty ? l10n.t('{0} (uncommitted changes)', c.commit.slice(0, 12)) : c.commit.slice(0, 12)) : l10n.t('unknown commit');
}

/** One line a figure: means, relative change, interval, effect size and verdict. */
export function figureLine(r: FigureComparison): string {
  const pct = Number.isFinite(r.relativeChange) ? `${r.relativeChange >= 0 ? '+' : ''}${(r.relativeChange * 100).toFixed(1)}%` : 'n/a';
  const ci = Number.isFinite(r.ci[0]) ? l10n.t(', {0}% interval {1} … {2} {3}', Math.round(r.confidence * 100), r.ci[0].toFixed(2), r.ci[1].toFixed(2), r.unit) : '';
  const effect = Number.isFinite(r.cliffsDelta) ? l10n.t(", Cliff's δ {0}", r.cliffsDelta.toFixed(2)) : '';
  return l10n.t('{0}: {1} → {2} {3} ({4}{5}{6}) — {7}', r.label, r.baseMean.toFixed(2), r.headMean.toFixed(2), r.unit, pct, ci, effect, verdictWord(r.verdict));
}

export function comparisonText(c: RunComparison, names: { base?: string; head?: string } = {}): string {
  const lines = [l10n.t('base: {0}', names.base ?? commitName(c.base)), l10n.t('head: {0}', names.head ?? commitName(c.head)), ''];
  for (const r of c.figures) {
    lines.push(figureLine(r));
  }
  if (c.figures.length === 0) {
    lines.push(l10n.t('No figure is in both runs.'));
  } else if (c.figures.every((r) => r.verdict === 'noChange')) {
    lines.push('', l10n.t('No significant change.'));
  }
  if (c.caution) {
    lines.push('', l10n.t('Caution: {0}', c.caution));
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
    `# ${l10n.t('Run comparison')}`,
    '',
    `- **${l10n.t('Base:')}** ${inertMarkdownText(names.base)}`,
    `- **${l10n.t('Head:')}** ${inertMarkdownText(names.head)}`,
    '',
    `| ${[l10n.t('Figure'), l10n.t('Base mean'), l10n.t('Head mean'), l10n.t('Change'), l10n.t('Interval of the difference'), l10n.t("Cliff's δ"), l10n.t('Seconds (base / head)'), l10n.t('Verdict')].join(' | ')} |`,
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |',
  ];
  for (const r of c.figures) {
    const pct = Number.isFinite(r.relativeChange) ? `${r.relativeChange >= 0 ? '+' : ''}${(r.relativeChange * 100).toFixed(1)}%` : '—';
    const ci = Number.isFinite(r.ci[0]) ? `${num(r.ci[0])} … ${num(r.ci[1])} (${Math.round(r.confidence * 100)}%)` : '—';
    const verdict = r.verdict === 'regression' ? `**${l10n.t('regression')}**` : verdictWord(r.verdict);
    lines.push(`| ${r.label} (${r.unit}) | ${num(r.baseMean)} | ${num(r.headMean)} | ${pct} | ${ci} | ${num(r.cliffsDelta)} | ${r.baseSamples} / ${r.headSamples} | ${verdict} |`);
  }
  lines.push('');
  const worse = regressions(c);
  const better = c.figures.filter((r) => r.verdict === 'improvement');
  const changes = (rs: readonly FigureComparison[]): string => rs.map((r) => `${r.label} ${(r.relativeChange * 100).toFixed(0)}%`).join(l10n.t(', '));
  if (c.figures.length === 0) {
    lines.push(l10n.t('No figure was measured in both runs.'));
  } else if (worse.length > 0) {
    lines.push(l10n.t('**The head is significantly worse:** {0}.', changes(worse)));
  } else if (better.length > 0) {
    lines.push(l10n.t('The head is significantly better: {0}; nothing got worse.', changes(better)));
  } else if (c.figures.every((r) => r.verdict === 'notEnoughData')) {
    lines.push(l10n.t('Not enough data: each run needs at least 20 seconds of samples.'));
  } else {
    lines.push(`**${l10n.t('No significant change.')}**`);
  }
  if (c.caution) {
    lines.push('', `**${l10n.t('Caution:')}** ${c.caution}`);
  }
  lines.push(
    '',
    l10n.t(
      "How to read it: the interval is a moving-block bootstrap of the difference of the per-second means (blocks keep the seconds' dependence); a change is named only when the interval excludes zero and the change is at least 5% of the base (and 1 ms for latencies). Cliff's δ is the effect size: P(head > base) − P(head < base) over all pairs of seconds.",
    ),
  );
  return lines.join('\n') + '\n';
}
