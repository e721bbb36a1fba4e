import * as l10n from '@vscode/l10n';
/**
 * Error groups linked to what happened around them: the start or restart of the server
 * that the errors followed ("errors began 3 s after the restart at 14:02:11"), the exit
 * they preceded, the alerts that fired, the anomalies and issues of the same minutes.
 * Pure: the report calls it with its operations, alerts and analysis.
 */
import { formatDuration } from '../format';
import { ReportErrorGroup, topWorkspaceFrame } from './logReport';

export type ErrorLinkKind = 'start' | 'restart' | 'exit' | 'alert' | 'anomaly' | 'issue';

export interface ErrorLink {
  readonly groupId: string;
  readonly kind: ErrorLinkKind;
  /** ISO 8601: when the linked event happened. */
  readonly eventTime: string;
  /** When the errors began minus when the event happened, ms (negative: the event came first… after). */
  readonly offsetMs: number;
  /** One sentence for people (server text in it is raw: render it through the inert-text module). */
  readonly sentence: string;
}

export interface LinkEvent {
  readonly kind: ErrorLinkKind;
  readonly timeMs: number;
  /** For people: "the restart you asked for", "alert “Error rate above 1/s”", "an anomaly in chat_errors_per_second". */
  readonly label: string;
  /** Intervals (anomalies, issues): when it ended. */
  readonly endMs?: number;
}

/** A start or restart this long before the errors began is named as what they followed. */
export const AFTER_START_MS = 60_000;
/** An exit this long after a group's last occurrence is named as what the errors preceded. */
export const BEFORE_EXIT_MS = 10_000;
/** An alert or anomaly starting within this much of the errors' onset (either side) is linked. */
export const NEAR_MS = 120_000;

/** Groups linked at most (the most frequent first), links per group at most. */
const MAX_GROUPS = 5;
const MAX_LINKS_PER_GROUP = 4;

/** When the group's current burst began: its return after a restart, else its first occurrence. */
export function groupOnsetMs(g: ReportErrorGroup): number {
  return Date.parse(g.regressedAt ?? g.firstSeen);
}

export function linkErrorGroups(groups: readonly ReportErrorGroup[], events: readonly LinkEvent[], timeText: (ms: number) => string = clockTime): ErrorLink[] {
  const out: ErrorLink[] = [];
  for (const g of groups.slice(0, MAX_GROUPS)) {
    const onset = groupOnsetMs(g);
    const last = Date.parse(g.lastSeen);
    if (!Number.isFinite(onset)) continue;
    const what = groupText(g);
    const links: ErrorLink[] = [];
    const add = (e: LinkEvent, sentence: string): void => {
      links.push({ groupId: g.id, kind: e.kind, eventTime: new Date(e.timeMs).toISOString(), offsetMs: onset - e.timeMs, sentence });
    };
    // The last start/restart before the onset (within a minute): what the errors followed.
    const starts = events.filter((e) => (e.kind === 'start' || e.kind === 'restart') && e.timeMs <= onset && onset - e.timeMs <= AFTER_START_MS);
    const start = starts.sort((a, b) => b.timeMs - a.timeMs)[0];
    if (start) add(start, l10n.t('Errors began {0} after {1} at {2}; {3}.', formatDuration(onset - start.timeMs), start.label, timeText(start.timeMs), what));
    // An exit while the group was being logged, or just after its last occurrence.
    for (const e of events.filter((x) => x.kind === 'exit' && x.timeMs >= onset && x.timeMs - last <= BEFORE_EXIT_MS)) {
      add(e, l10n.t('{0} at {1}, {2} after the last of {3}.', capitalise(e.label), timeText(e.timeMs), formatDuration(Math.max(0, e.timeMs - Math.min(last, e.timeMs))), what));
    }
    for (const e of events.filter((x) => (x.kind === 'alert' || x.kind === 'anomaly') && Math.abs(x.timeMs - onset) <= NEAR_MS)) {
      const d = e.timeMs - onset;
      add(
        e,
        d >= 0
          ? l10n.t('{0} began {1} after the errors ({2}).', capitalise(e.label), formatDuration(Math.abs(d)), what)
          : l10n.t('{0} began {1} before the errors ({2}).', capitalise(e.label), formatDuration(Math.abs(d)), what),
      );
    }
    for (const e of events.filter((x) => x.kind === 'issue' && x.timeMs <= last && (x.endMs ?? x.timeMs) >= onset)) {
      add(e, l10n.t('{0} covers the same minutes as {1}.', capitalise(e.label), what));
    }
    out.push(...links.slice(0, MAX_LINKS_PER_GROUP));
  }
  return out;
}

/** "top group TypeError: Cannot read … at src/rooms.ts:42, 37×". */
function groupText(g: ReportErrorGroup): string {
  const top = topWorkspaceFrame(g.frames);
  const msg = g.message.length > 80 ? `${g.message.slice(0, 79)}…` : g.message;
  return top ? l10n.t('{0}: {1} at {2}, {3}×', g.type, msg, `${top.file}:${top.line}`, g.count) : l10n.t('{0}: {1}, {2}×', g.type, msg, g.count);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** HH:MM:SS UTC (the report's times are UTC). */
function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/** The operations, alerts, incidents and issues of a report as events to link errors to. */
export function reportLinkEvents(input: {
  readonly operations?: { readonly entries: readonly { readonly time: string; readonly action: string; readonly trigger: string; readonly triggerKind?: string; readonly result: string; readonly exitCode?: number | null; readonly signal?: string | null; readonly delayMs?: number }[] };
  readonly alerts?: readonly { readonly title: string; readonly startedMs: number }[];
  readonly incidents?: readonly { readonly startMs: number; readonly endMs: number; readonly series: readonly string[] }[];
  readonly issues?: readonly { readonly title: string; readonly evidence: readonly { readonly window: { readonly fromMs: number; readonly toMs: number } }[] }[];
}): LinkEvent[] {
  const out: LinkEvent[] = [];
  for (const e of input.operations?.entries ?? []) {
    const t = Date.parse(e.time);
    if (!Number.isFinite(t) || e.result !== 'ok') continue;
    if (e.action === 'start') out.push({ kind: 'start', timeMs: t, label: l10n.t('the server started') });
    // triggerKind, not the words: a report's trigger is in the language it was written in.
    // A report from before triggerKind was written in English.
    const bySupervisor = e.triggerKind !== undefined ? e.triggerKind === 'supervisor' : e.trigger === 'the supervisor';
    if (e.action === 'restart' && bySupervisor) {
      // The supervisor logs the exit when it schedules the restart.
      const how = e.signal ? l10n.t('signal {0}', e.signal) : e.exitCode !== undefined && e.exitCode !== null ? l10n.t('code {0}', e.exitCode) : l10n.t('unexpectedly');
      out.push({ kind: 'exit', timeMs: t, label: l10n.t('the server exited ({0})', how) });
      out.push({ kind: 'restart', timeMs: t + (e.delayMs ?? 0), label: l10n.t('the supervisor restarted it') });
    } else if (e.action === 'restart') {
      out.push({ kind: 'restart', timeMs: t, label: l10n.t('the restart by {0}', e.trigger) });
    }
  }
  for (const a of input.alerts ?? []) if (Number.isFinite(a.startedMs)) out.push({ kind: 'alert', timeMs: a.startedMs, label: l10n.t('alert “{0}”', a.title) });
  for (const i of input.incidents ?? []) out.push({ kind: 'anomaly', timeMs: i.startMs, endMs: i.endMs, label: i.series.length > 3 ? l10n.t('an anomaly in {0} and {1} more', i.series.slice(0, 3).join(', '), i.series.length - 3) : l10n.t('an anomaly in {0}', i.series.join(', ')) });
  for (const i of input.issues ?? []) {
    const from = Math.min(...i.evidence.map((e) => e.window.fromMs));
    const to = Math.max(...i.evidence.map((e) => e.window.toMs));
    if (Number.isFinite(from) && Number.isFinite(to)) out.push({ kind: 'issue', timeMs: from, endMs: to, label: l10n.t('the issue “{0}”', i.title) });
  }
  return out;
}
