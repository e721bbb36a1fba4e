/**
 * Keeps the monitor's history on disk across "Reload Window" and crashes of the
 * extension host: every snapshot is appended to the HistoryLog, and a new session
 * replays the recent window into the in-memory store before its first tick, so the
 * dashboard, alerts and report start with the hour they had.
 */
import { Disposable } from '../events';
import { Labels, Sample, Snapshot } from '../model';
import { HistoryLog, HistoryOptions, RecoveryReport } from './historyLog';
import { SeriesStore } from './seriesStore';

export class HistoryRecorder implements Disposable {
  private constructor(
    private readonly log: HistoryLog,
    readonly recovery: RecoveryReport,
  ) {}

  static open(dir: string, options: HistoryOptions = {}, now: () => number = Date.now): HistoryRecorder {
    const { log, recovery } = HistoryLog.open(dir, options, now);
    return new HistoryRecorder(log, recovery);
  }

  get dir(): string {
    return this.log.dir;
  }

  get bytesOnDisk(): number {
    return this.log.bytesOnDisk;
  }

  /**
   * Appends the history of [fromMs, toMs] to `store`, one tick at a time in time
   * order (the store's own append, so its bounds hold). Call it on an empty store
   * before the first tick. Returns the number of ticks restored.
   */
  restoreInto(store: SeriesStore, fromMs: number, toMs: number): number {
    const ticks = new Map<number, Sample[]>();
    for (const h of this.log.read(fromMs, toMs).values()) {
      const labels: Labels = h.labels;
      for (let i = 0; i < h.times.length; i++) {
        const t = h.times[i]!;
        let samples = ticks.get(t);
        if (!samples) {
          samples = [];
          ticks.set(t, samples);
        }
        samples.push({ name: h.name, labels, value: h.values[i]! });
      }
    }
    const times = [...ticks.keys()].sort((a, b) => a - b);
    for (const t of times) {
      store.append(t, ticks.get(t)!);
    }
    return times.length;
  }

  record(snapshot: Snapshot): void {
    this.log.append(snapshot.timeMs, snapshot.samples);
  }

  /** Marks a moment (a restart, a run's start with its commit) for the charts and run summaries. */
  mark(timeMs: number, kind: string, data: Readonly<Record<string, unknown>> = {}): void {
    this.log.appendEvent({ timeMs, kind, data });
  }

  dispose(): void {
    this.log.dispose();
  }
}
