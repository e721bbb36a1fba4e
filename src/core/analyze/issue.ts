/**
 * What the analyzer tells a developer, in the shape Clinic.js Doctor uses: the
 * category of the problem, the evidence, and what to do now / what to look at next.
 */
import * as l10n from '@vscode/l10n';
import { AlertLevel, HealthStatus, SEVERITIES, Severity } from '../../shared/vocabulary';

export type IssueCategory =
  | 'availability'
  | 'cpu'
  | 'contention'
  | 'memory'
  | 'latency'
  | 'event-loop'
  | 'gc'
  | 'file-descriptors'
  | 'disk'
  /** The evidence itself: scrapes that failed, series dropped, too few samples. */
  | 'data';

export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface Evidence {
  /** "RSS growth", "R² of the fit". */
  readonly label: string;
  /** Already formatted for people: "+3.2 MB/min". */
  readonly value: string;
  readonly window: TimeWindow;
  /** The series (key) the figure comes from, when there is one. */
  readonly series?: string;
}

export interface Issue {
  /** Stable per rule: 'memory-leak', 'cpu-saturation'… (one issue per rule). */
  readonly id: string;
  readonly category: IssueCategory;
  readonly severity: Severity;
  readonly title: string;
  /** One or two sentences: what is happening and why we think so. */
  readonly summary: string;
  readonly evidence: readonly Evidence[];
  readonly recommendations: { readonly now: readonly string[]; readonly investigate: readonly string[] };
}

/** 0 for info … 2 for critical, for comparisons. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** An alert as far as the status needs it (the engine's Alert and the report's ReportAlert fit). */
export interface StatusAlert {
  readonly level: AlertLevel;
  readonly state: string;
  readonly title: string;
  /** Muted by a critical alert on the same series: that one speaks for it. */
  readonly inhibited?: boolean;
}

/**
 * The worse of the analyzer's verdict and the alerts firing at the same time, with a
 * reason per firing alert that made it worse: a summary saying "healthy" above a
 * list of firing alerts contradicts itself. Snoozing silences notifications; it does
 * not make the server healthy, so snoozed alerts count too.
 */
export function statusWithAlerts(
  status: HealthStatus,
  reasons: readonly string[],
  alerts: readonly StatusAlert[],
): { status: HealthStatus; reasons: readonly string[] } {
  const firing = alerts.filter((a) => a.state === 'firing' && !a.inhibited && a.level !== 'info');
  if (firing.length === 0) return { status, reasons };
  const fromAlerts: HealthStatus = firing.some((a) => a.level === 'critical' || a.level === 'error') ? 'critical' : 'warning';
  const alertReasons = firing.map((a) => l10n.t('Alert firing: {0}', a.title));
  if (status === 'critical' || (status === 'warning' && fromAlerts === 'warning')) {
    return { status, reasons: [...reasons, ...alertReasons] };
  }
  // "No problem found" is no longer true once an alert fires; the alert says what is.
  return { status: fromAlerts, reasons: [...(status === 'healthy' ? [] : reasons), ...alertReasons] };
}
