import { Alert, AlertHistoryEntry } from '../alerts/alert';
import { Monitor } from '../monitor';
import { buildReport, ReportAlert, ReportData, ReportOperations, reportTargetFrom } from './reportData';

/** The report windows offered to users, in ms ('all' = everything the store keeps). */
export const REPORT_WINDOWS = {
  '5m': 5 * 60_000,
  '30m': 30 * 60_000,
  '1h': 60 * 60_000,
  all: 'all',
} as const satisfies Record<string, number | 'all'>;

export type ReportWindowId = keyof typeof REPORT_WINDOWS;

/** One report, the same for the VS Code command and the headless CLI. */
export function buildMonitorReport(monitor: Monitor, window: ReportWindowId | number, nowMs: number, operations?: ReportOperations): ReportData {
  const windowMs = typeof window === 'number' ? window : REPORT_WINDOWS[window];
  const analysis = monitor.analyze(windowMs);
  const fromMs = analysis.window.fromMs;
  return buildReport({
    target: reportTargetFrom(monitor.targetState, monitor.config?.target.name || undefined),
    analysis,
    generatedAtMs: nowMs,
    alerts: {
      active: monitor.alerts.active().map(activeAlert),
      history: monitor.alerts
        .history()
        .filter((h) => h.endMs >= fromMs)
        .map(historyAlert),
    },
    ...(operations ? { operations } : {}),
  });
}

function activeAlert(a: Alert): ReportAlert {
  return {
    id: a.id,
    level: a.level,
    state: a.state === 'firing' ? 'firing' : 'pending',
    title: a.title,
    message: a.message,
    startedMs: a.firingSinceMs ?? a.pendingSinceMs ?? Number.NaN,
    peakValue: a.peakValue,
    metric: a.metric,
  };
}

function historyAlert(h: AlertHistoryEntry): ReportAlert {
  return {
    id: h.id,
    level: h.level,
    state: 'resolved',
    title: h.title,
    message: h.message,
    startedMs: h.startMs,
    endedMs: h.endMs,
    durationMs: h.durationMs,
    peakValue: h.peakText,
  };
}
