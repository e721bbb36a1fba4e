/**
 * The report's `logs` object (a JSON contract):
 * `{ linesPerSecond, errorGroups: [{ id, count, firstSeen, lastSeen, type, message, frames: [{ file, line, column, inWorkspace }] }] }`
 * with `file` relative to the workspace (the current directory for the CLI).
 */
import { AccessSummary } from './accessStats';
import type { ErrorLink } from './errorLinks';
import { ErrorGroup } from './errorGroups';
import { FrameMapper } from './frameMapper';
import { LevelKey, LogPipeline } from './logPipeline';

export interface ReportFrame {
  readonly file: string;
  readonly line: number;
  readonly column: number | null;
  readonly inWorkspace: boolean;
  readonly function?: string;
}

export interface ReportErrorGroup {
  readonly id: string;
  readonly count: number;
  /** ISO 8601. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly type: string;
  readonly message: string;
  /** Occurrences per second over the last minute before the report. */
  readonly ratePerSecond: number;
  /** The group came back after a restart. */
  readonly regression: boolean;
  /** ISO 8601: when it came back (present with `regression`). */
  readonly regressedAt?: string;
  readonly frames: readonly ReportFrame[];
}

export interface LogsReport {
  /** All lines (events) per second over the time the logs cover. */
  readonly linesPerSecond: number;
  readonly lines: number;
  readonly levels: Readonly<Record<LevelKey, number>>;
  readonly errorGroups: readonly ReportErrorGroup[];
  readonly access?: AccessSummary;
  /** Error groups linked to the restarts, exits, alerts, anomalies and issues around them (the report adds them). */
  readonly links?: readonly ErrorLink[];
  /** Sentences about the sources (a file not there yet, a rotation, the kernel log). */
  readonly notes: readonly string[];
}

/** Frames shown per group. */
const REPORT_FRAMES = 10;

export function mapGroupFrames(group: ErrorGroup, mapper: FrameMapper, base?: string, limit = REPORT_FRAMES): ReportFrame[] {
  return group.frames.slice(0, limit).map((f) => {
    const m = mapper.map(f);
    return { file: mapper.relative(m.file, base), line: m.line, column: m.column ?? null, inWorkspace: m.inWorkspace, ...(m.fn ? { function: m.fn } : {}) };
  });
}

export function buildLogsReport(p: LogPipeline, mapper: FrameMapper, nowMs: number, opts: { base?: string; notes?: readonly string[]; maxGroups?: number } = {}): LogsReport {
  const lines = Object.values(p.levelCounts).reduce((a, b) => a + b, 0);
  const spanS = Number.isFinite(p.firstEventMs) ? Math.max(1, (p.lastEventMs - p.firstEventMs) / 1000) : 1;
  const access = p.access.summary();
  return {
    linesPerSecond: lines / spanS,
    lines,
    levels: { ...p.levelCounts },
    errorGroups: p.groups
      .list()
      .slice(0, opts.maxGroups ?? 50)
      .map((g) => ({
        id: g.id,
        count: g.count,
        firstSeen: new Date(g.firstSeenMs).toISOString(),
        lastSeen: new Date(g.lastSeenMs).toISOString(),
        type: g.type,
        message: g.message,
        ratePerSecond: p.groups.rate(g, nowMs),
        regression: g.regressedAtMs !== undefined,
        ...(g.regressedAtMs !== undefined ? { regressedAt: new Date(g.regressedAtMs).toISOString() } : {}),
        frames: mapGroupFrames(g, mapper, opts.base),
      })),
    ...(access ? { access } : {}),
    notes: [...(opts.notes ?? [])],
  };
}

/** The group's top frame in the application's own code (what Problems and the report point at). */
export function topWorkspaceFrame(frames: readonly ReportFrame[]): ReportFrame | undefined {
  return frames.find((f) => f.inWorkspace);
}
