import * as l10n from '@vscode/l10n';
import { InstanceState, Metric, Sample, serviceUpSamples, ServiceState, SourceProblem, TargetProcess, TargetSpec, TargetState } from '../model';
import { LocateResult, ProcessLocator } from '../process/locator';
import type { SeriesStore } from '../store/seriesStore';

export type { LocateResult };

/** The part of the process locator the tracker needs (Linux /proc or portable). */
export type Locator = Pick<ProcessLocator, 'locate' | 'isSameProcess' | 'dispose' | 'descendants' | 'isSameProcessNow' | 'descendantsNow'>;

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
  /**
   * The same update without a promise, when it needs no wait (the known process
   * checked through /proc); undefined when the tick must call update().
   */
  updateNow?(): TrackerUpdate | undefined;
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
  /** The watched process and the processes it started, by pid (a lost one stays, down, until a new one takes its place). */
  private readonly tree = new Map<number, InstanceState>();
  /** Set once the tree held more than one process: from then on it is shown as a service of instances. */
  private manyProcesses = false;
  private treeProblem = '';
  /** The update the last tick returned: handed back as it is while nothing in it changed. */
  private last: TrackerUpdate | undefined;

  constructor(
    private readonly locator: Locator,
    private readonly spec: TargetSpec,
  ) {}

  get restartCount(): number {
    return this.restarts;
  }

  async update(): Promise<TrackerUpdate> {
    if (!this.spec.pid && !this.spec.port && !this.spec.commandPattern) {
      const message = l10n.t('No process to watch yet: run "Chat-Room Monitor: Select Process to Watch", or set chatroomMonitor.target.port (or .pid, or .commandPattern).');
      return this.result({ kind: 'unconfigured', message }, undefined, undefined);
    }
    let exited: string | undefined;
    if (this.current) {
      if (await this.locator.isSameProcess(this.current.pid, this.current.startTimeMs)) {
        return this.running(this.current, undefined);
      }
      exited = l10n.t('The watched process {0} exited.', this.describe(this.current));
      this.lastPid = this.current.pid;
      this.current = undefined;
    }
    this.tree.clear();
    this.manyProcesses = false;
    const found = await this.locator.locate(this.spec);
    if (found.ok) {
      const isRestart = this.lastPid !== undefined && found.process.pid !== this.lastPid;
      if (isRestart) {
        this.restarts++;
      }
      this.current = found.process;
      this.lastPid = found.process.pid;
      const now = isRestart ? l10n.t('Restarted: now watching {0}', found.process.reason) : l10n.t('Watching {0}', found.process.reason);
      return this.running(found.process, joinSentences(exited, now));
    }
    const state: TargetState = { kind: 'notRunning', message: found.message, ...(this.lastPid !== undefined ? { lastPid: this.lastPid } : {}) };
    const problem: SourceProblem = { source: 'target', message: found.message, ...(found.setting ? { setting: found.setting } : {}) };
    // The same "not found" sentence every tick would flood the log: report changes only.
    const change = exited ?? (found.message !== this.lastMessage ? found.message : undefined);
    this.lastMessage = found.message;
    return this.result(state, change, problem);
  }

  /**
   * The usual tick's update, synchronously: the known process is still the same (a
   * re-read of its stat) and its tree is walked, with a locator that can do both now.
   * Undefined when it cannot, or when the process is not the same: update() then
   * searches for it.
   */
  updateNow(): TrackerUpdate | undefined {
    const current = this.current;
    const { isSameProcessNow, descendantsNow } = this.locator;
    const walks = this.spec.processTree && this.locator.descendants !== undefined;
    if (current === undefined || isSameProcessNow === undefined || (walks && descendantsNow === undefined)) {
      return undefined;
    }
    if (!isSameProcessNow.call(this.locator, current.pid, current.startTimeMs)) {
      return undefined;
    }
    let tree: TreeFollowed = ALONE;
    if (walks) {
      try {
        tree = this.treeFrom(current.pid, descendantsNow!.call(this.locator, current.pid));
      } catch (err) {
        tree = this.treeFailed(current.pid, err);
      }
    }
    return this.runningWith(current, undefined, tree);
  }

  /** The running state, with the process tree as a service when it holds (or held) more than one process. */
  private async running(process: TargetProcess, change: string | undefined): Promise<TrackerUpdate> {
    return this.runningWith(process, change, await this.followTree(process.pid));
  }

  private runningWith(process: TargetProcess, change: string | undefined, tree: TreeFollowed): TrackerUpdate {
    const last = this.last;
    if (tree === ALONE && change === undefined && last?.state.kind === 'running' && last.state.process === process && isQuiet(last)) {
      // The same process, alone, nothing new: what the last tick said still holds (its
      // samples too — the restart count moves only with a new process), so a tick makes no objects here.
      return last;
    }
    const state: TargetState = { kind: 'running', process, ...(tree.service ? { service: tree.service } : {}) };
    const changes = [change, ...tree.changes].filter((c): c is string => !!c).join(' ');
    return this.result(state, changes || undefined, tree.problem);
  }

  /**
   * Lists the watched process' descendants (cluster workers) when `target.processTree`
   * is on. A process that left stays as a down instance (the instance-down alert) until
   * a new process joins: a supervisor that replaces a dead worker gets back to n/n up.
   */
  private async followTree(root: number): Promise<TreeFollowed> {
    if (!this.spec.processTree || !this.locator.descendants) {
      return ALONE;
    }
    let children: number[];
    try {
      children = await this.locator.descendants(root);
    } catch (err) {
      return this.treeFailed(root, err);
    }
    return this.treeFrom(root, children);
  }

  /** A walk that could not list the tree: only the root is watched, and the sentence says why (once). */
  private treeFailed(root: number, err: unknown): TreeFollowed {
    const message = l10n.t(
      'The processes started by pid {0} could not be listed ({1}); only pid {0} is watched. Turn chatroomMonitor.target.processTree off to silence this.',
      root,
      err instanceof Error ? err.message : String(err),
    );
    const changes = message !== this.treeProblem ? [message] : [];
    this.treeProblem = message;
    return { changes, problem: { source: 'target', message, setting: 'chatroomMonitor.target.processTree' } };
  }

  /** What the walk's list of the root's descendants changes in the tree of instances. */
  private treeFrom(root: number, children: readonly number[]): TreeFollowed {
    this.treeProblem = '';
    if (children.length === 0 && !this.manyProcesses && this.tree.size === 1 && this.tree.get(root)?.up) {
      // The usual tick of a server without workers: nothing to compare or to say.
      return ALONE;
    }
    const changes: string[] = [];
    const pids = [root, ...children];
    const now = new Set(pids);
    for (const [pid, inst] of this.tree) {
      if (inst.up && !now.has(pid)) {
        this.tree.set(pid, { ...inst, up: false, detail: 'exited' });
        changes.push(l10n.t('Process {0}, started by the watched server (pid {1}), exited.', pid, root));
      }
    }
    for (const pid of pids) {
      if (this.tree.get(pid)?.up) continue;
      const replaced = [...this.tree.values()].find((i) => !i.up);
      if (replaced) this.tree.delete(replaced.pid!);
      this.tree.set(pid, { instance: `pid ${pid}`, pid, up: true });
      if (this.manyProcesses || pids.length > 1) {
        if (pid !== root) {
          changes.push(
            replaced
              ? l10n.t('Watching process {0} too, started by pid {1} (in place of {2}, which exited).', pid, root, replaced.pid ?? '')
              : l10n.t('Watching process {0} too, started by pid {1}.', pid, root),
          );
        }
      }
    }
    this.manyProcesses ||= this.tree.size > 1;
    if (!this.manyProcesses) {
      return ALONE;
    }
    const service: ServiceState = { source: 'local', where: l10n.t('pid {0} and the processes it started', root), instances: [...this.tree.values()], reachable: true };
    return { service, changes };
  }

  private result(state: TargetState, change: string | undefined, problem: SourceProblem | undefined): TrackerUpdate {
    if (state.kind === 'running') {
      this.lastMessage = '';
    }
    this.last = this.makeResult(state, change, problem);
    return this.last;
  }

  private makeResult(state: TargetState, change: string | undefined, problem: SourceProblem | undefined): TrackerUpdate {
    const samples: Sample[] =
      state.kind === 'unconfigured'
        ? []
        : [
            { name: Metric.targetUp, labels: {}, value: state.kind === 'running' ? 1 : 0 },
            { name: Metric.targetRestarts, labels: {}, value: this.restarts },
            ...(state.kind === 'running' && state.service ? serviceUpSamples(state.service.instances) : []),
          ];
    return { state, samples, ...(change ? { change } : {}), ...(problem ? { problem } : {}) };
  }

  private describe(p: TargetProcess): string {
    return l10n.t('(pid {0}, {1})', p.pid, p.executable);
  }
}

/** What a walk of the watched process' tree found. */
interface TreeFollowed {
  readonly service?: ServiceState;
  readonly changes: readonly string[];
  readonly problem?: SourceProblem;
}

/** The walk found the watched process alone, as before (or the tree is not followed): no service, nothing to say. */
const ALONE: TreeFollowed = Object.freeze({ changes: Object.freeze([]) });

/** An update that says nothing new (no change sentence, no problem) and shows no service. */
function isQuiet(u: TrackerUpdate): boolean {
  return u.change === undefined && u.problem === undefined && u.state.kind === 'running' && u.state.service === undefined;
}

function joinSentences(a: string | undefined, b: string): string {
  return a ? l10n.t({ message: '{0} {1}', args: [a, b], comment: 'two sentences, one after the other' }) : b;
}
