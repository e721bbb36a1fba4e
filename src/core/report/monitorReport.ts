import { Alert, AlertHistoryEntry } from '../alerts/alert';
import { LogsReport } from '../logs/logReport';
import type { TracesReport } from '../traces/traceAnalysis';
import { Monitor } from '../monitor';
import { REPORT_WINDOWS, ReportWindowId } from '../../shared/vocabulary';
import { runSamplesFrom } from './runSamples';
import { serviceReport } from './serviceReport';
import { buildReport, ReportAlert, ReportData, ReportOperations, reportTargetFrom } from './reportData';


/** One report, the same for the VS Code command and the headless CLI. */
export function buildMonitorReport(monitor: Monitor, window: ReportWindowId | number, nowMs: number, operations?: ReportOperations, logs?: LogsReport, vcs?: { commit: string; dirty: boolean }, traces?: (fromMs: number, toMs: number) => TracesReport): ReportData {
  const windowMs = typeof window === 'number' ? window : REPORT_WINDOWS[window].ms;
  const analysis = monitor.analyze(windowMs);
  const fromMs = analysis.window.fromMs;
  const verdict = monitor.verdicts.summary();
  const t = monitor.targetState;
  const service = serviceReport(t.kind === 'unconfigured' ? undefined : t.service, monitor.store, fromMs, analysis.window.toMs);
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
    run: runSamplesFrom(monitor.store, fromMs, analysis.window.toMs, vcs),
    ...(verdict ? { prometheusVerdict: verdict } : {}),
    ...(logs ? { logs } : {}),
    ...(traces ? { traces: traces(fromMs, Math.max(analysis.window.toMs, nowMs)) } : {}),
    profiles: monitor.profiles.filter((p) => p.atMs + p.durationMs >= fromMs),
    ...(service ? { service } : {}),
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
