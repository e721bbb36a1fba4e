/**
 * The regression warning after a restart: once the new run has enough seconds, it
 * is compared with the previous run — only when both ran under the same load shape
 * (message rate and users within a fifth of each other), since a busier server is
 * not a slower build — and a significant regression is named with both commits.
 */
import { FigureComparison } from '../analyze/compareRuns';
import { RunSamples } from '../report/runSamples';
import * as l10n from '@vscode/l10n';
import { commitName, compareRuns, RunComparison, regressions } from './runComparison';

/** Seconds of the new run before it is compared (the bootstrap needs a few dozen blocks). */
export const REGRESSION_CHECK_AFTER_TICKS = 120;
/** Two runs are the same load shape when message rate and users differ by at most this share. */
export const SAME_LOAD_TOLERANCE = 0.2;
/** Load figures that define the shape, not judged as better or worse here. */
const LOAD_FIGURES = ['messagesPerSecond', 'activeUsers'];

export type RegressionCheck =
  | { readonly kind: 'regression'; readonly comparison: RunComparison; readonly worse: readonly FigureComparison[]; readonly sentence: string }
  | { readonly kind: 'noRegression'; readonly comparison: RunComparison }
  | { readonly kind: 'differentLoad'; readonly sentence: string };

export function sameLoadShape(a: RunSamples, b: RunSamples): { same: boolean; why: string } {
  for (const id of LOAD_FIGURES) {
    const x = a.summary[id];
    const y = b.summary[id];
    if (x === undefined || y === undefined) {
      continue;
    }
    const scale = Math.max(Math.abs(x), Math.abs(y));
    // Below one message (or user) a second both are idle: the same shape.
    if (scale >= 1 && Math.abs(x - y) / scale > SAME_LOAD_TOLERANCE) {
      return { same: false, why: id === 'messagesPerSecond' ? l10n.t('message rate {0} vs {1}', x.toFixed(1), y.toFixed(1)) : l10n.t('users {0} vs {1}', x.toFixed(1), y.toFixed(1)) };
    }
  }
  return { same: true, why: '' };
}

export function checkRegression(previous: RunSamples, current: RunSamples): RegressionCheck {
  const shape = sameLoadShape(previous, current);
  if (!shape.same) {
    return { kind: 'differentLoad', sentence: l10n.t('Not compared with the previous run: the load differs ({0}).', shape.why) };
  }
  const comparison = compareRuns(previous, current);
  const worse = regressions(comparison).filter((r) => !LOAD_FIGURES.includes(r.id));
  if (worse.length === 0) {
    return { kind: 'noRegression', comparison };
  }
  const what = worse.map((r) => `${r.label} ${r.relativeChange >= 0 ? '+' : ''}${(r.relativeChange * 100).toFixed(0)}% (${r.baseMean.toFixed(1)} → ${r.headMean.toFixed(1)} ${r.unit})`).join(l10n.t(', '));
  const sentence = l10n.t('This run ({0}) is significantly worse than the previous run ({1}) under the same load: {2}.', commitName(comparison.head), commitName(comparison.base), what) + (comparison.caution ? ` ${comparison.caution}` : '');
  return { kind: 'regression', comparison, worse, sentence };
}
