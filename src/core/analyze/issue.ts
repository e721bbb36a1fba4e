/**
 * What the analyzer tells a developer, in the shape Clinic.js Doctor uses: the
 * category of the problem, the evidence, and what to do now / what to look at next.
 */

export type Severity = 'info' | 'warning' | 'critical';

/** 'unknown' when the window holds no sample at all: we never call "no data" healthy. */
export type HealthStatus = 'healthy' | 'warning' | 'critical' | 'unknown';

export type IssueCategory =
  | 'availability'
  | 'cpu'
  | 'contention'
  | 'memory'
  | 'latency'
  | 'event-loop'
  | 'gc'
  | 'file-descriptors'
  | 'disk';

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

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function severityRank(s: Severity): number {
  return RANK[s];
}
