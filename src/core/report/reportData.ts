import type { VerdictSummary } from '../scrape/promVerdict';
import type { AuditTrigger } from '../supervise/audit';
/**
 * The report as data: everything the Markdown (and any other rendering) shows,
 * JSON-serialisable, built from an Analysis plus the target and the alert engine's
 * alerts mapped to a minimal shape.
 */
import * as l10n from '@vscode/l10n';
import { ProfileEvidence, quoteProfiles } from '../profile/profileEvidence';
import { Analysis } from '../analyze/analyzer';
import { statusWithAlerts } from '../analyze/issue';
import { linkErrorGroups, reportLinkEvents } from '../logs/errorLinks';
import { LogsReport } from '../logs/logReport';
import type { TracesReport } from '../traces/traceAnalysis';
import { traceIssue } from '../traces/traceReport';
import { TargetState } from '../model';
import { RunSamples } from './runSamples';
import { ReportService } from './serviceReport';
import { AlertLevel, ShownAlertState } from '../../shared/vocabulary';


/** The minimal alert the report needs; the alert engine's objects map onto it. */
export interface ReportAlert {
  readonly id: string;
  readonly level: AlertLevel;
  /** 'firing' for active alerts, 'resolved' for history ('pending' is shown as such). */
  readonly state: ShownAlertState;
  readonly title: string;
  readonly message: string;
  readonly startedMs: number;
  readonly endedMs?: number;
  /** Already formatted or a number formatted by the metric's unit when `metric` is set. */
  readonly peakValue?: number | string;
  /** Metric name of the peak value, for units. */
  readonly metric?: string;
  readonly durationMs?: number;
}

/**
 * One operation from the audit log, as the report shows it (the audit entry's fields
 * that matter to a reader; `trigger` already in words).
 */
export interface ReportOperation {
  readonly time: string;
  readonly action: string;
  /** "you", "the supervisor", "rule mem-high (Memory above 500 MiB: 572 MiB > 477 MiB)", in the report's language. */
  readonly trigger: string;
  /** Who did it, for scripts and for the error links, whatever the language (absent in reports written before it). */
  readonly triggerKind?: AuditTrigger['kind'];
  readonly mode?: string;
  readonly result: string;
  readonly message?: string;
  readonly durationMs: number;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly delayMs?: number;
  readonly undone?: boolean;
}

/** What the monitor did to the server in the window: restarts, scaling, profiles, undos. */
export interface ReportOperations {
  readonly runs: number;
  readonly restartsBySupervisor: number;
  readonly crashLoop: boolean;
  readonly entries: readonly ReportOperation[];
}

export interface ReportTarget {
  /** For people: "node server.js" or the configured name. */
  readonly name: string;
  readonly state: 'running' | 'notRunning' | 'unconfigured';
  readonly pid?: number;
  /** TCP ports it listens on. */
  readonly ports?: readonly number[];
  readonly commandLine?: string;
  /** Why this process, or why none. */
  readonly detail?: string;
}

/** The optional sections a report carries as they were given (ReportData documents each). */
type ReportSections = 'operations' | 'run' | 'prometheusVerdict' | 'logs' | 'traces' | 'profiles' | 'service';

export interface ReportInput extends Pick<ReportData, ReportSections> {
  readonly target: ReportTarget;
  readonly analysis: Analysis;
  /** When the report was made (injected clock). */
  readonly generatedAtMs: number;
  readonly alerts?: { readonly active?: readonly ReportAlert[]; readonly history?: readonly ReportAlert[] };
  /** Default "Chat server performance report". */
  readonly title?: string;
}

export interface ReportData {
  /** Bumped when the shape changes, for tools that read the JSON. */
  readonly schemaVersion: 1;
  readonly title: string;
  readonly generatedAtMs: number;
  readonly generatedAt: string;
  readonly target: ReportTarget;
  readonly window: { readonly fromMs: number; readonly toMs: number; readonly durationMs: number; readonly from: string; readonly to: string };
  readonly analysis: Analysis;
  readonly alerts: { readonly active: readonly ReportAlert[]; readonly history: readonly ReportAlert[] };
  /** Present when the monitor started the server (or ran actions): the Operations section. */
  readonly operations?: ReportOperations;
  /** The run's figures tick by tick (and its commit), for `chatroom-monitor compare`. */
  readonly run?: RunSamples;
  /**
   * What Prometheus would have done with the scraped bodies: scrapes judged, how many
   * it would have rejected, the latest verdict and the latest rejection (line, reason).
   */
  readonly prometheusVerdict?: VerdictSummary;
  /** Error groups and line rates from the server's logs (when logs are watched). */
  readonly logs?: LogsReport;
  /**
   * Spans received over OTLP (when the receiver ran): `operations[]` ({ service, name,
   * count, errorRate, p50Ms, p95Ms, p99Ms, … }), `slowest[]` ({ traceId, durationMs,
   * spans }), where the slow traces' time went, and the diagnosis sentences.
   */
  readonly traces?: TracesReport;
  /** Profiles captured in the window: the Profile section, quoted by the diagnosis. */
  readonly profiles?: readonly ProfileEvidence[];
  /** Many instances watched as one service: one entry per instance (up share, CPU, memory). */
  readonly service?: ReportService;
}

/** Maps the collector's TargetState to the report's target block. */
export function reportTargetFrom(state: TargetState, name?: string): ReportTarget {
  switch (state.kind) {
    case 'running':
      return {
        name: name ?? state.process.executable,
        state: 'running',
        // A service read from elsewhere has no pid here.
        ...(state.service ? {} : { pid: state.process.pid }),
        ...(state.process.ports.length > 0 ? { ports: [...state.process.ports] } : {}),
        commandLine: state.process.commandLine,
        detail: state.process.reason,
      };
    case 'notRunning':
      return { name: name ?? l10n.t('chat server'), state: 'notRunning', pid: state.lastPid, detail: state.message };
    case 'unconfigured':
      return { name: name ?? l10n.t('chat server'), state: 'unconfigured', detail: state.message };
  }
}

/** Assembles the report. Never throws: odd input gives a report that says so. */
export function buildReport(input: ReportInput): ReportData {
  const { fromMs, toMs } = input.analysis.window;
  const analysis = input.traces ? withTraceIssue(input.analysis, input.traces) : input.analysis;
  const active = [...(input.alerts?.active ?? [])].sort(byLevelThenTime);
  const history = [...(input.alerts?.history ?? [])].sort((a, b) => b.startedMs - a.startedMs);
  return {
    schemaVersion: 1,
    title: input.title ?? l10n.t('Chat server performance report'),
    generatedAtMs: input.generatedAtMs,
    generatedAt: iso(input.generatedAtMs),
    target: input.target,
    window: { fromMs, toMs, durationMs: Math.max(0, toMs - fromMs), from: iso(fromMs), to: iso(toMs) },
    // The summary agrees with the alerts listed below it (and --fail-on reads it).
    analysis: {
      ...analysis,
      ...statusWithAlerts(analysis.status, analysis.reasons, active),
      ...(input.profiles?.length ? { issues: quoteProfiles(analysis.issues, input.profiles) } : {}),
    },
    alerts: { active, history },
    ...(input.operations ? { operations: input.operations } : {}),
    ...(input.run ? { run: input.run } : {}),
    ...(input.prometheusVerdict ? { prometheusVerdict: input.prometheusVerdict } : {}),
    ...(input.logs ? { logs: withLinks(input.logs, input, active, history) } : {}),
    ...(input.traces ? { traces: input.traces } : {}),
    ...(input.profiles?.length ? { profiles: input.profiles } : {}),
    ...(input.service ? { service: input.service } : {}),
  };
}

/** The logs object with its error groups linked to the run's operations, alerts, incidents and issues. */
function withLinks(logs: LogsReport, input: ReportInput, active: readonly ReportAlert[], history: readonly ReportAlert[]): LogsReport {
  if (logs.errorGroups.length === 0) return logs;
  const events = reportLinkEvents({
    ...(input.operations ? { operations: input.operations } : {}),
    alerts: [...active, ...history],
    incidents: input.analysis.incidents,
    issues: input.analysis.issues,
  });
  return { ...logs, links: linkErrorGroups(logs.errorGroups, events) };
}

/** The trace diagnosis as an analyzer issue: a slow operation is a warning, like the other latency rules. */
function withTraceIssue(analysis: Analysis, traces: TracesReport): Analysis {
  const issue = traceIssue(traces, analysis.window);
  if (!issue) return analysis;
  const status = analysis.status === 'healthy' ? 'warning' : analysis.status;
  const reasons = analysis.status === 'healthy' ? [issue.title] : [...analysis.reasons, issue.title];
  return { ...analysis, status, reasons, issues: [...analysis.issues, issue] };
}

/** The report as indented JSON; NaN and ±Infinity (figures without data) become null. */
export function renderJson(report: ReportData): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}

const LEVEL_RANK: Record<AlertLevel, number> = { critical: 0, error: 1, warning: 2, info: 3 };

function byLevelThenTime(a: ReportAlert, b: ReportAlert): number {
  return (LEVEL_RANK[a.level] ?? 4) - (LEVEL_RANK[b.level] ?? 4) || a.startedMs - b.startedMs;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}
