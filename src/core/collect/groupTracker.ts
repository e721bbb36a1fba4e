import * as l10n from '@vscode/l10n';
/**
 * Many local processes watched as one service: every process listening on one of a
 * list of ports (an instance a port: `port 3001`), or every process whose command
 * line matches a pattern (an instance a process: `pid 4242`). The Process source then
 * samples each one and sums them, as it does for a process tree; the status bar shows
 * the total and "2/3 up", and a lost instance is an alert of its own (instance-down).
 *
 * Checking that the known processes are still the same ones is cheap (a stat read
 * each), so it runs every tick; the search (a scan of /proc) runs while an instance is
 * missing and otherwise every RESCAN_TICKS ticks, to find instances that started since.
 */
import { InstanceState, Metric, Sample, serviceUpSamples, ServiceState, SourceProblem, TargetProcess, TargetState } from '../model';
import type { GroupMember, GroupLocateResult } from '../process/locator';
import { GroupQuery, TargetSetting } from '../process/targetSpec';
import type { Locator, TargetWatch, TrackerUpdate } from './targetTracker';

/** Ticks between searches for new instances while every known one is up (10 s at 1 Hz). */
export const RESCAN_TICKS = 10;

export type GroupLocator = Pick<Locator, 'isSameProcess'> & { locateGroup?(query: GroupQuery): Promise<GroupLocateResult> };

interface Slot {
  readonly instance: string;
  process: TargetProcess | undefined;
  detail?: string;
}

export class GroupTracker implements TargetWatch {
  /** Known instances in order (ports: the listed order; pattern: as found). */
  private readonly slots: Slot[] = [];
  private restarts = 0;
  private ticksSinceScan = Number.POSITIVE_INFINITY;
  private lastMessage = '';

  constructor(
    private readonly locator: GroupLocator,
    private readonly query: GroupQuery,
  ) {
    if (query.kind === 'ports') {
      for (const p of query.ports) this.slots.push({ instance: `port ${p}`, process: undefined, detail: `nothing listens on port ${p}` });
    }
  }

  get restartCount(): number {
    return this.restarts;
  }

  async update(): Promise<TrackerUpdate> {
    const changes: string[] = [];
    for (const slot of this.slots) {
      const p = slot.process;
      if (p && !(await this.locator.isSameProcess(p.pid, p.startTimeMs))) {
        slot.process = undefined;
        slot.detail = 'exited';
        changes.push(l10n.t('Instance {0} (pid {1}) exited.', slot.instance, p.pid));
      }
    }
    this.ticksSinceScan++;
    let problem: SourceProblem | undefined;
    const missing = this.slots.length === 0 || this.slots.some((s) => !s.process);
    if (missing || this.ticksSinceScan >= RESCAN_TICKS) {
      this.ticksSinceScan = 0;
      const found: GroupLocateResult = this.locator.locateGroup
        ? await this.locator.locateGroup(this.query)
        : { ok: false, message: l10n.t('Watching {0} as one service needs /proc (Linux); set {1} or {2} to watch one process.', this.what(), TargetSetting.port, TargetSetting.pid), setting: this.setting() };
      if (found.ok) {
        changes.push(...this.merge(found.members));
      } else {
        problem = { source: 'target', message: found.message, setting: found.setting };
      }
    }
    const up = this.slots.filter((s) => s.process);
    const instances: InstanceState[] = this.slots.map((s) => ({
      instance: s.instance,
      up: s.process !== undefined,
      ...(s.process ? { pid: s.process.pid } : s.detail ? { detail: s.detail } : {}),
    }));
    const service: ServiceState | undefined = instances.length > 0 ? { source: 'local', where: this.what(), instances, reachable: !problem } : undefined;
    let state: TargetState;
    if (up.length > 0) {
      state = { kind: 'running', process: up[0]!.process!, ...(service ? { service } : {}) };
      this.lastMessage = '';
    } else {
      const message =
        problem?.message ??
        (this.slots.length === 0
          ? l10n.t('No process found: {0} matched none. Start the servers, or change {1}.', this.what(), this.setting())
          : l10n.t('None of the {0} instances of {1} is running.', this.slots.length, this.what()));
      state = { kind: 'notRunning', message, ...(service ? { service } : {}) };
      problem ??= { source: 'target', message, setting: this.setting() };
      if (message !== this.lastMessage) changes.push(message);
      this.lastMessage = message;
    }
    const samples: Sample[] = [
      { name: Metric.targetUp, labels: {}, value: up.length > 0 ? 1 : 0 },
      { name: Metric.targetRestarts, labels: {}, value: this.restarts },
      ...(service ? serviceUpSamples(service.instances) : []),
    ];
    const change = changes.join(' ');
    return { state, samples, ...(change ? { change } : {}), ...(problem ? { problem } : {}) };
  }

  /**
   * Takes in what a search found. A port's instance is up again with its new process (a
   * restart); a new process of a pattern joins, in the place of one that exited when
   * there is one, so a supervisor that replaces a dead worker gets back to n/n up.
   */
  private merge(members: readonly GroupMember[]): string[] {
    const changes: string[] = [];
    for (const m of members) {
      const known = this.slots.find((s) => s.instance === m.instance);
      if (known?.process) continue;
      if (known) {
        if (known.detail === 'exited') this.restarts++;
        known.process = m.process;
        delete known.detail;
        changes.push(l10n.t('Watching {0}', m.process.reason));
        continue;
      }
      if (this.slots.some((s) => s.process?.pid === m.process.pid)) continue;
      const free = this.slots.findIndex((s) => !s.process);
      const slot: Slot = { instance: m.instance, process: m.process };
      if (free >= 0) {
        changes.push(l10n.t('Watching {0} (in place of {1}, which exited).', m.process.reason.replace(/[.。]$/, ''), this.slots[free]!.instance));
        this.slots[free] = slot;
        this.restarts++;
      } else {
        changes.push(l10n.t('Watching {0}', m.process.reason));
        this.slots.push(slot);
      }
    }
    return changes;
  }

  private what(): string {
    return this.query.kind === 'ports' ? l10n.t('the processes listening on ports {0}', this.query.ports.join(', ')) : l10n.t('every process matching /{0}/', this.query.source);
  }

  private setting(): string {
    return this.query.kind === 'ports' ? TargetSetting.ports : TargetSetting.commandPattern;
  }
}
