/**
 * The words every layer shares, written once: alert levels, alert states, health,
 * issue severities, report windows. The core, the CLI, the VS Code adapter and the
 * webview import them from here (src/shared has no Node, no DOM, no vscode).
 */

/** Severity of an alert, lowest first. A `critical` alert inhibits lower ones on the same series. */
export const ALERT_LEVELS = ['info', 'warning', 'error', 'critical'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/** 0 for info … 3 for critical, for comparisons. */
export function levelRank(level: AlertLevel): number {
  return ALERT_LEVELS.indexOf(level);
}

/** The states an alert shows to people (the engine also knows `inactive`, which is never shown). */
export const SHOWN_ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export type ShownAlertState = (typeof SHOWN_ALERT_STATES)[number];

/** An alert's whole life: inactive → pending → firing → resolved (then inactive again). */
export type AlertState = 'inactive' | ShownAlertState;

/** 'unknown' when nothing could be measured: "no data" is never called healthy. */
export const HEALTH_STATUSES = ['healthy', 'warning', 'critical', 'unknown'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/**
 * Every unit a series can have; `count` is a plain number (users, connections).
 * Inference from names and `# UNIT` metadata, and the one formatter: src/core/units.ts.
 */
export const UNITS = ['percent', 'bytes', 'bytesPerSecond', 'perSecond', 'seconds', 'timestamp', 'ratio', 'count'] as const;
export type Unit = (typeof UNITS)[number];

/** How bad an analyzer issue is. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The report windows offered to people, with their length ('all' = everything kept). */
export const REPORT_WINDOWS = {
  '5m': { ms: 5 * 60_000, label: 'Last 5 minutes' },
  '30m': { ms: 30 * 60_000, label: 'Last 30 minutes' },
  '1h': { ms: 60 * 60_000, label: 'Last hour' },
  all: { ms: 'all', label: 'Everything kept' },
} as const satisfies Record<string, { ms: number | 'all'; label: string }>;
export type ReportWindowId = keyof typeof REPORT_WINDOWS;
export const REPORT_WINDOW_IDS = Object.keys(REPORT_WINDOWS) as ReportWindowId[];
