/**
 * Many instances of one service: the analyzer compares each with its siblings. An
 * instance whose CPU or memory stands well above the others' median is a finding of
 * its own — uneven load balancing (a busy room pinned to one worker), a stuck loop or
 * a leak in one process — which a sum over the service hides.
 */
import * as l10n from '@vscode/l10n';
import { formatBytes, formatPercent } from '../format';
import { InstanceMetric } from '../model';
import { SeriesStore } from '../store/seriesStore';
import { Evidence, Issue, TimeWindow } from './issue';
import { quantile } from './stats';

/** What "hotter than its siblings" means: both a ratio to and a distance from the others' median. */
export const InstanceThresholds = {
  cpuRatio: 1.5,
  cpuPoints: 10,
  rssRatio: 1.5,
  rssBytes: 64 * 1024 * 1024,
  /** Samples an instance needs in the window to be compared. */
  minSamples: 5,
} as const;

export interface InstanceFigures {
  readonly instance: string;
  readonly samples: number;
  readonly cpuMean?: number;
  readonly rssMean?: number;
}

/** Mean CPU and RSS of every instance in the window, from the per-instance series. */
export function instanceFigures(store: SeriesStore, window: TimeWindow): InstanceFigures[] {
  const byInstance = new Map<string, { samples: number; cpuMean?: number; rssMean?: number }>();
  const read = (name: string, field: 'cpuMean' | 'rssMean') => {
    for (const info of store.select(name)) {
      const inst = info.labels['instance'];
      const w = store.window(info.key, window.fromMs, window.toMs);
      if (inst === undefined || !w) continue;
      let sum = 0;
      let n = 0;
      for (const v of w.values) {
        if (Number.isFinite(v)) {
          sum += v;
          n++;
        }
      }
      if (n === 0) continue;
      const e = byInstance.get(inst) ?? { samples: 0 };
      e[field] = sum / n;
      e.samples = Math.max(e.samples, n);
      byInstance.set(inst, e);
    }
  };
  read(InstanceMetric.cpuPercent, 'cpuMean');
  read(InstanceMetric.rssBytes, 'rssMean');
  return [...byInstance.entries()].map(([instance, e]) => ({ instance, ...e })).sort((a, b) => a.instance.localeCompare(b.instance));
}

/** The finding, when one instance (or more) runs well above its siblings; undefined otherwise. */
export function unevenInstancesIssue(window: TimeWindow, figures: readonly InstanceFigures[]): Issue | undefined {
  const usable = figures.filter((f) => f.samples >= InstanceThresholds.minSamples);
  if (usable.length < 2) return undefined;
  const evidence: Evidence[] = [];
  const hot: string[] = [];
  const check = (field: 'cpuMean' | 'rssMean', ratio: number, distance: number, show: (v: number) => string, what: string) => {
    for (const f of usable) {
      const v = f[field];
      const others = usable.filter((o) => o !== f && o[field] !== undefined).map((o) => o[field]!);
      if (v === undefined || others.length === 0) continue;
      const median = quantile(others, 0.5);
      if (v >= median * ratio && v - median >= distance) {
        hot.push(l10n.t('{0} ({1} {2} against {3})', f.instance, what, show(v), show(median)));
        evidence.push({ label: `${what}, ${f.instance}`, value: l10n.t('{0} (siblings\' median {1})', show(v), show(median)), window });
      }
    }
  };
  check('cpuMean', InstanceThresholds.cpuRatio, InstanceThresholds.cpuPoints, (v) => formatPercent(v), l10n.t('CPU mean'));
  check('rssMean', InstanceThresholds.rssRatio, InstanceThresholds.rssBytes, (v) => formatBytes(v), l10n.t('memory mean'));
  if (hot.length === 0) return undefined;
  return {
    id: 'uneven-instances',
    category: 'contention',
    severity: 'warning',
    title: hot.length === 1 ? l10n.t('One instance runs hotter than its siblings') : l10n.t('Some instances run hotter than their siblings'),
    summary: l10n.t('Of {0} instances, {1}: the service\'s total hides it.', usable.length, hot.join('; ')),
    evidence,
    recommendations: {
      now: [l10n.t('Look at that instance\'s load: connections and rooms per instance (a busy room pinned to one worker), and its logs.')],
      investigate: [
        l10n.t('Whether the load balancer spreads connections evenly (sticky sessions, node:cluster round-robin versus the OS scheduler).'),
        l10n.t('A loop or a leak in that instance only: profile it (Chat-Room Monitor: profile) and compare with a sibling.'),
      ],
    },
  };
}
