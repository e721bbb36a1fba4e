/**
 * Runs: each start of the watched server (a pid, with its process start time so a
 * reused pid is a new run) is one run, tagged with the git commit and dirty state
 * of the workspace when it started. Runs are kept as two events in the history on
 * disk — `runStart` and `runEnd` — so the list, the comparison and the regression
 * warning work across reloads and from the CLI.
 */
import * as l10n from '@vscode/l10n';
import type { HistoryEvent } from '../store/historyLog';

/** The workspace's version control state when a run started. */
export type VcsReading = { readonly commit: string; readonly dirty: boolean; readonly branch?: string } | { readonly note: string };

export const RUN_START = 'runStart';
export const RUN_END = 'runEnd';

export interface RunStartData {
  readonly pid: number;
  readonly processStartMs: number;
  readonly command: string;
  readonly commit: string | null;
  readonly dirty: boolean | null;
  readonly branch: string | null;
  /** Why there is no commit ("not a git repository"…), when there is none. */
  readonly vcsNote?: string;
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
    : { pid, processStartMs, command, commit: null, dirty: null, branch: null, vcsNote: vcs.note };
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
  return {
    pid,
    processStartMs: typeof d['processStartMs'] === 'number' ? d['processStartMs'] : 0,
    command: str('command') ?? '',
    commit: str('commit'),
    dirty: typeof d['dirty'] === 'boolean' ? d['dirty'] : null,
    branch: str('branch'),
    ...(typeof d['vcsNote'] === 'string' ? { vcsNote: d['vcsNote'] } : {}),
  };
}

/** "3f2a9c1b04de (uncommitted changes) on main", or the note why there is no commit. */
export function commitText(run: Pick<RunStartData, 'commit' | 'dirty' | 'branch' | 'vcsNote'>): string {
  if (!run.commit) {
    return run.vcsNote ? l10n.t('no commit ({0})', run.vcsNote) : l10n.t('no commit recorded');
  }
  const commit = run.dirty ? l10n.t('{0} (uncommitted changes)', run.commit.slice(0, 12)) : run.commit.slice(0, 12);
  return run.branch ? l10n.t('{0} on {1}', commit, run.branch) : commit;
}
