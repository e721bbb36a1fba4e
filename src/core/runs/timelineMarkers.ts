/**
 * Moments worth a line on the charts, from the events in the history on disk: each
 * run of the server starting (a start, or a restart after another run) with its pid
 * and commit, each file saved in the workspace and each git commit made while the
 * monitor watched — so "p95 rose 40 s after you saved rooms.ts" can be seen — and,
 * from the audit log, each automated action on the server (a rule's restart, the
 * supervisor's restart after a crash). The labels are workspace and server text:
 * made visible and bounded here (inertText), and drawn as text only.
 */
import * as l10n from '@vscode/l10n';
import { actionWord } from '../i18n/words';
import { visibleText } from '../text/inertText';
import type { HistoryEvent } from '../store/historyLog';
import type { AuditEntry } from '../supervise/audit';
import { RUN_START } from './runs';

/** A file saved in the workspace (data: `path`, relative to the workspace folder). */
export const FILE_SAVED = 'fileSaved';
/** A git commit made in the workspace while watching (data: `commit` hash, `subject` its first line). */
export const GIT_COMMIT = 'gitCommit';

export interface TimelineMarker {
  readonly kind: 'run' | 'save' | 'commit' | 'action';
  readonly fromMs: number;
  readonly label: string;
}

/** Most moments drawn on a chart: a save-on-every-keystroke workspace must not paint it solid. */
export const MAX_TIMELINE_MARKERS = 200;

const LABEL_CHARS = 48;

export function timelineMarkers(events: readonly HistoryEvent[]): TimelineMarker[] {
  const out: TimelineMarker[] = [];
  for (const e of events) {
    if (e.kind === RUN_START) {
      const pid = typeof e.data['pid'] === 'number' ? `pid ${e.data['pid']}` : l10n.t('server');
      const commit = typeof e.data['commit'] === 'string' ? ` · ${e.data['commit'].slice(0, 7)}${e.data['dirty'] === true ? '*' : ''}` : '';
      out.push({ kind: 'run', fromMs: e.timeMs, label: visibleText(`${pid}${commit}`, LABEL_CHARS, false) });
    } else if (e.kind === FILE_SAVED && typeof e.data['path'] === 'string') {
      const file = e.data['path'].split(/[\\/]/).pop() || e.data['path'];
      out.push({ kind: 'save', fromMs: e.timeMs, label: visibleText(file, LABEL_CHARS, false) });
    } else if (e.kind === GIT_COMMIT && typeof e.data['commit'] === 'string') {
      const subject = typeof e.data['subject'] === 'string' && e.data['subject'] ? ` ${e.data['subject']}` : '';
      out.push({ kind: 'commit', fromMs: e.timeMs, label: visibleText(`${e.data['commit'].slice(0, 7)}${subject}`, LABEL_CHARS, false) });
    }
  }
  return out.slice(-MAX_TIMELINE_MARKERS);
}

/**
 * The automated actions in the audit log since `fromMs` that did something (or
 * tried to): the ones a rule or the supervisor started, not the user's own (a
 * user's restart is already a run line). Label: the action, and the rule that
 * asked for it or "crash" for the supervisor; "failed" when it failed.
 */
export function actionMarkers(entries: readonly AuditEntry[], fromMs: number): TimelineMarker[] {
  const out: TimelineMarker[] = [];
  for (const e of entries) {
    const t = Date.parse(e.time);
    const automated = e.trigger.kind === 'rule' || e.trigger.kind === 'supervisor';
    if (!automated || !Number.isFinite(t) || t < fromMs || (e.result !== 'ok' && e.result !== 'failed')) {
      continue;
    }
    const why = e.trigger.kind === 'supervisor' ? l10n.t({ message: 'crash', comment: 'why the supervisor restarted the server' }) : (e.trigger.ruleId ?? l10n.t('rule'));
    const label = [actionWord(e.action), why, ...(e.result === 'failed' ? [l10n.t({ message: 'failed', comment: 'an operation that failed' })] : [])].join(' · ');
    out.push({ kind: 'action', fromMs: t, label: visibleText(label, LABEL_CHARS, false) });
  }
  return out.slice(-MAX_TIMELINE_MARKERS);
}

/** How recent a new HEAD's commit date must be for the move to count as a commit made here and now. */
export const COMMIT_RECENT_MS = 120_000;

/**
 * Whether HEAD moving from `previous` to `head` is a commit made now (a commit, an
 * amend, a revert) rather than a checkout, a pull or a reset to older work: the new
 * commit was made in the last two minutes — or, when the commit date is unknown, it
 * sits directly on the previous HEAD.
 */
export function isNewCommit(
  previous: string | undefined,
  head: { readonly hash: string; readonly parents: readonly string[]; readonly commitDateMs?: number },
  nowMs: number,
): boolean {
  if (previous === undefined || head.hash === previous) {
    return false;
  }
  if (head.commitDateMs !== undefined && Number.isFinite(head.commitDateMs)) {
    return nowMs - head.commitDateMs <= COMMIT_RECENT_MS && head.commitDateMs - nowMs <= COMMIT_RECENT_MS;
  }
  return head.parents.includes(previous);
}
