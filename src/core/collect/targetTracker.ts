import { Metric, Sample, SourceProblem, TargetProcess, TargetSpec, TargetState } from '../model';
import { LocateResult, ProcessLocator } from '../process/locator';
import type { SeriesStore } from '../store/seriesStore';

export type { LocateResult };

/** The part of the process locator the tracker needs (Linux /proc or portable). */
export type Locator = Pick<ProcessLocator, 'locate' | 'isSameProcess' | 'dispose'>;

export interface TrackerUpdate {
  readonly state: TargetState;
  /** Set when the target changed this tick ("found", "exited", "restarted"): a sentence for the log. */
  readonly change?: string;
  readonly problem?: SourceProblem;
  readonly samples: readonly Sample[];
}

/**
 * What the collector asks each tick, before the sources: is the target there, and the
 * samples that say so. A local process ({@link TargetTracker}) or a service read from
 * elsewhere (a Prometheus' `up`).
 */
export interface TargetWatch {
  update(): Promise<TrackerUpdate>;
  /** Restarts seen since watching began. */
  readonly restartCount: number;
  /**
   * Runs once before the first tick: a watch that can read the past (Prometheus'
   * query_range) fills the store with the recent window. Returns problem sentences.
   */
  prepare?(store: SeriesStore, nowMs: number): Promise<readonly SourceProblem[]>;
}

/**
 * Keeps track of the process to watch across ticks. Checking that the known
 * process is still the same one is cheap (one stat read), so it runs every tick;
 * the full search (a scan of /proc) runs only while the target is not found.
 * When the process exits we search again in the same tick, so a server restarted
 * with a new PID is live again on the first tick after its port listens.
 */
export class TargetTracker implements TargetWatch {
  private current: TargetProcess | undefined;
  private lastPid: number | undefined;
  private restarts = 0;
  private lastMessage = '';

  constructor(
    private readonly locator: Locator,
    private readonly spec: TargetSpec,
  ) {}

  get restartCount(): number {
    return this.restarts;
  }

  async update(): Promise<TrackerUpdate> {
    if (!this.spec.pid && !this.spec.port && !this.spec.commandPattern) {
      const message =
        'No process to watch yet: run "Chat-Room Monitor: Select Process to Watch", or set chatroomMonitor.target.port (or .pid, or .commandPattern).';
      return this.result({ kind: 'unconfigured', message }, undefined, undefined);
    }
    let exited: string | undefined;
    if (this.current) {
      if (await this.locator.isSameProcess(this.current.pid, this.current.startTimeMs)) {
        return this.result({ kind: 'running', process: this.current }, undefined, undefined);
      }
      exited = `The watched process ${this.describe(this.current)} exited.`;
      this.lastPid = this.current.pid;
      this.current = undefined;
    }
    const found = await this.locator.locate(this.spec);
    if (found.ok) {
      const isRestart = this.lastPid !== undefined && found.process.pid !== this.lastPid;
      if (isRestart) {
        this.restarts++;
      }
      this.current = found.process;
      this.lastPid = found.process.pid;
      const verb = isRestart ? 'Restarted: now watching' : 'Watching';
      return this.result({ kind: 'running', process: found.process }, joinSentences(exited, `${verb} ${found.process.reason}`), undefined);
    }
    const state: TargetState = { kind: 'notRunning', message: found.message, ...(this.lastPid !== undefined ? { lastPid: this.lastPid } : {}) };
    const problem: SourceProblem = { source: 'target', message: found.message, ...(found.setting ? { setting: found.setting } : {}) };
    // The same "not found" sentence every tick would flood the log: report changes only.
    const change = exited ?? (found.message !== this.lastMessage ? found.message : undefined);
    this.lastMessage = found.message;
    return this.result(state, change, problem);
  }

  private result(state: TargetState, change: string | undefined, problem: SourceProblem | undefined): TrackerUpdate {
    if (state.kind === 'running') {
      this.lastMessage = '';
    }
    const samples: Sample[] =
      state.kind === 'unconfigured'
        ? []
        : [
            { name: Metric.targetUp, labels: {}, value: state.kind === 'running' ? 1 : 0 },
            { name: Metric.targetRestarts, labels: {}, value: this.restarts },
          ];
    return { state, samples, ...(change ? { change } : {}), ...(problem ? { problem } : {}) };
  }

  private describe(p: TargetProcess): string {
    return `(pid ${p.pid}, ${p.executable})`;
  }
}

function joinSentences(a: string | undefined, b: string): string {
  return a ? `${a} ${b}` : b;
}
