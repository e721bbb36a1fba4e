/**
 * Turns the snapshots into runs: a new pid (or the same pid with another process
 * start time: a reused pid) starts a run, the server stopping ends it. The git
 * state is read once per run start — never per tick — through `readVcs` (the
 * VS Code Git extension in the extension, `git` in the CLI).
 */
import { Snapshot } from '../model';
import { RUN_END, RUN_START, RunInfo, RunStartData, runStartData, VcsReading } from './runs';

export interface RunMarks {
  mark(timeMs: number, kind: string, data: Readonly<Record<string, unknown>>): void;
}

export class RunTracker {
  private current: { pid: number; processStartMs: number } | undefined;
  private pending: Promise<void> = Promise.resolve();

  /**
   * `lastRun`: the newest run in the history, when it has not ended — after "Reload
   * Window" the server is usually still the same process, and its run goes on.
   */
  constructor(
    private readonly marks: RunMarks,
    private readonly readVcs: () => VcsReading | Promise<VcsReading>,
    lastRun?: RunInfo,
    private readonly onStart: (startMs: number, data: RunStartData) => void = () => undefined,
  ) {
    if (lastRun && !lastRun.ended) {
      this.current = { pid: lastRun.pid, processStartMs: lastRun.processStartMs };
    }
  }

  /** Resolves when the marks of the snapshots seen so far are written (tests). */
  settled(): Promise<void> {
    return this.pending;
  }

  onSnapshot(s: Snapshot): void {
    const t = s.target;
    const running = t.kind === 'running' ? t.process : undefined;
    const cur = this.current;
    if (cur && (!running || running.pid !== cur.pid || !sameStart(running.startTimeMs, cur.processStartMs))) {
      this.marks.mark(s.timeMs, RUN_END, { pid: cur.pid });
      this.current = undefined;
    }
    if (running && !this.current) {
      this.current = { pid: running.pid, processStartMs: running.startTimeMs };
      const started = s.timeMs;
      // The start is written when the git state is known; events are ordered by time when read.
      this.pending = this.pending.then(async () => {
        let vcs: VcsReading;
        try {
          vcs = await this.readVcs();
        } catch (e) {
          vcs = { noteCode: 'gitUnreadable', detail: e instanceof Error ? e.message : String(e) };
        }
        const data = runStartData(running.pid, running.startTimeMs, running.commandLine, vcs);
        this.marks.mark(started, RUN_START, { ...data });
        this.onStart(started, data);
      }).catch(() => undefined); // marks report their own failures; the chain must go on
    }
  }
}

/** Process start times read from /proc are rounded to clock ticks; a second apart is the same process. */
function sameStart(a: number, b: number): boolean {
  return !a || !b || Math.abs(a - b) < 1000;
}
