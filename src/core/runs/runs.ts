/**
 * Runs: each start of the watched server (a pid, with its process start time so a
 * reused pid is a new run) is one run, tagged with the git commit and dirty state
 * of the workspace when it started. Runs are kept as two events in the history on
 * disk — `runStart` and `runEnd` — so the list, the comparison and the regression
 * warning work across reloads and from the CLI.
 */
import * as l10n from '@vscode/l10n';
import type { HistoryEvent } from '../store/historyLog';

/**
 * Why a run has no commit. The run data on disk keeps this code (and the English
 * sentence, for versions that read only `vcsNote`); the sentence shown is written from
 * the code in the display language when it is shown.
 */
export type VcsNoteCode = 'noFolder' | 'gitUnavailable' | 'gitNoApi' | 'gitFailed' | 'gitDisabled' | 'notRepository' | 'noCommitYet' | 'gitUnreadable';

/** The workspace's version control state when a run started; `detail` is the error of gitFailed and gitUnreadable. */
export type VcsReading = { readonly commit: string; readonly dirty: boolean; readonly branch?: string } | { readonly noteCode: VcsNoteCode; readonly detail?: string };

/** The English sentences as stored in `vcsNote` (and as written before the codes): `{0}` is the detail. */
const ENGLISH_NOTES: Readonly<Record<VcsNoteCode, string>> = {
  noFolder: 'no folder is open, so runs are not tagged with a commit',
  gitUnavailable: 'the Git extension is not available (disabled, or Restricted Mode), so runs are not tagged with a commit',
  gitNoApi: 'the Git extension gave no API, so runs are not tagged with a commit',
  gitFailed: 'the Git extension did not start ({0}), so runs are not tagged with a commit',
  gitDisabled: 'git is turned off in VS Code (git.enabled), so runs are not tagged with a commit',
  notRepository: 'the workspace folder is not in a git repository, so runs are not tagged with a commit',
  noCommitYet: 'the repository has no commit yet, so runs are not tagged with one',
  gitUnreadable: 'the git state could not be read ({0})',
};

const isNoteCode = (v: unknown): v is VcsNoteCode => typeof v === 'string' && Object.prototype.hasOwnProperty.call(ENGLISH_NOTES, v);

/** The English sentence stored beside the code in the run data. */
export function englishVcsNote(code: VcsNoteCode, detail = ''): string {
  return ENGLISH_NOTES[code].replace('{0}', () => detail);
}

/** The code (and detail) of a stored English sentence: run data written before the codes. */
export function vcsNoteCodeOf(note: string): { code: VcsNoteCode; detail?: string } | undefined {
  for (const code of Object.keys(ENGLISH_NOTES) as VcsNoteCode[]) {
    const [before, after] = ENGLISH_NOTES[code].split('{0}') as [string, string | undefined];
    if (after === undefined ? note === before : note.length >= before.length + after.length && note.startsWith(before) && note.endsWith(after)) {
      return after === undefined ? { code } : { code, detail: note.slice(before.length, note.length - after.length) };
    }
  }
  return undefined;
}

/** Why a run has no commit, in the display language. */
export function vcsNoteText(code: VcsNoteCode, detail = ''): string {
  switch (code) {
    case 'noFolder':
      return l10n.t('no folder is open, so runs are not tagged with a commit');
    case 'gitUnavailable':
      return l10n.t('the Git extension is not available (disabled, or Restricted Mode), so runs are not tagged with a commit');
    case 'gitNoApi':
      return l10n.t('the Git extension gave no API, so runs are not tagged with a commit');
    case 'gitFailed':
      return l10n.t('the Git extension did not start ({0}), so runs are not tagged with a commit', detail);
    case 'gitDisabled':
      return l10n.t('git is turned off in VS Code (git.enabled), so runs are not tagged with a commit');
    case 'notRepository':
      return l10n.t('the workspace folder is not in a git repository, so runs are not tagged with a commit');
    case 'noCommitYet':
      return l10n.t('the repository has no commit yet, so runs are not tagged with one');
    case 'gitUnreadable':
      return l10n.t('the git state could not be read ({0})', detail);
  }
}

export const RUN_START = 'runStart';
export const RUN_END = 'runEnd';

export interface RunStartData {
  readonly pid: number;
  readonly processStartMs: number;
  readonly command: string;
  readonly commit: string | null;
  readonly dirty: boolean | null;
  readonly branch: string | null;
  /** Why there is no commit, when there is none: the English sentence as stored (shown through {@link commitText}). */
  readonly vcsNote?: string;
  /** The same as a code, for the sentence in the display language; absent in run data of other versions we cannot place. */
  readonly vcsCode?: VcsNoteCode;
  /** The error inside the gitFailed and gitUnreadable sentences. */
  readonly vcsDetail?: string;
}

export interface RunInfo extends RunStartData {
  /** Stable id: the start time in ms, as text. */
  readonly id: string;
  readonly startMs: number;
  /** When the server stopped or the next run started; for the newest run still going, the newest sample. */
  readonly endMs: number;
  /** False while the run is still going (no end seen). */
  readonly ended: boolean;
}

export function runStartData(pid: number, processStartMs: number, command: string, vcs: VcsReading): RunStartData {
  return 'commit' in vcs
    ? { pid, processStartMs, command, commit: vcs.commit, dirty: vcs.dirty, branch: vcs.branch ?? null }
    : { pid, processStartMs, command, commit: null, dirty: null, branch: null, vcsNote: englishVcsNote(vcs.noteCode, vcs.detail), vcsCode: vcs.noteCode, ...(vcs.detail !== undefined ? { vcsDetail: vcs.detail } : {}) };
}

/** The runs the events describe, oldest first. `newestMs` ends the run still going. */
export function runsFromEvents(events: readonly HistoryEvent[], newestMs: number): RunInfo[] {
  const runs: RunInfo[] = [];
  let open: { startMs: number; data: RunStartData } | undefined;
  const close = (endMs: number, ended: boolean): void => {
    if (open) {
      runs.push({ ...open.data, id: String(open.startMs), startMs: open.startMs, endMs: Math.max(open.startMs, endMs), ended });
      open = undefined;
    }
  };
  for (const e of [...events].sort((a, b) => a.timeMs - b.timeMs)) {
    if (e.kind === RUN_START) {
      const data = parseStart(e.data);
      if (data) {
        close(e.timeMs, true);
        open = { startMs: e.timeMs, data };
      }
    } else if (e.kind === RUN_END && open && e.data['pid'] === open.data.pid) {
      close(e.timeMs, true);
    }
  }
  close(newestMs, false);
  return runs;
}

/** A run's start event read back defensively: the file may come from another version. */
function parseStart(d: Readonly<Record<string, unknown>>): RunStartData | undefined {
  const pid = d['pid'];
  if (typeof pid !== 'number') {
    return undefined;
  }
  const str = (k: string): string | null => (typeof d[k] === 'string' ? (d[k] as string) : null);
  // Run data written before the codes has only the English sentence: placed by its text.
  const note = str('vcsNote');
  const placed = isNoteCode(d['vcsCode']) ? { code: d['vcsCode'], detail: str('vcsDetail') ?? undefined } : note !== null ? vcsNoteCodeOf(note) : undefined;
  return {
    pid,
    processStartMs: typeof d['processStartMs'] === 'number' ? d['processStartMs'] : 0,
    command: str('command') ?? '',
    commit: str('commit'),
    dirty: typeof d['dirty'] === 'boolean' ? d['dirty'] : null,
    branch: str('branch'),
    ...(note !== null ? { vcsNote: note } : {}),
    ...(placed ? { vcsCode: placed.code, ...(placed.detail !== undefined ? { vcsDetail: placed.detail } : {}) } : {}),
  };
}

/** "3f2a9c1b04de (uncommitted changes) on main", or the note why there is no commit. */
export function commitText(run: Pick<RunStartData, 'commit' | 'dirty' | 'branch' | 'vcsNote' | 'vcsCode' | 'vcsDetail'>): string {
  if (!run.commit) {
    // A note we cannot place (another version's words) is shown as stored.
    const note = run.vcsCode ? vcsNoteText(run.vcsCode, run.vcsDetail) : run.vcsNote;
    return note ? l10n.t('no commit ({0})', note) : l10n.t('no commit recorded');
  }
  const commit = run.dirty ? l10n.t('{0} (uncommitted changes)', run.commit.slice(0, 12)) : run.commit.slice(0, 12);
  return run.branch ? l10n.t('{0} on {1}', commit, run.branch) : commit;
}
