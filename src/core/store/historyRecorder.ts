/**
 * Keeps the monitor's history on disk across "Reload Window" and crashes of the
 * extension host: every snapshot is appended to the HistoryLog, and a new session
 * replays the recent window into the in-memory store before its first tick, so the
 * dashboard, alerts and report start with the hour they had.
 */
import { Disposable } from '../events';
import { Labels, Sample, Snapshot } from '../model';
import { RunSamples, runSamplesOf, RUN_FIGURES } from '../report/runSamples';
import { RunInfo, runsFromEvents } from '../runs/runs';
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

  /** Every run in the history, oldest first (the newest may still be going). */
  runs(): RunInfo[] {
    return runsOfLog(this.log);
  }

  /** A run's figures tick by tick, read from disk (and the head block), tagged with its commit. */
  runSamples(run: RunInfo): RunSamples {
    return runSamplesOfLog(this.log, run);
  }

  /** Marks a moment (a restart, a run's start with its commit) for the charts and run summaries. */
  mark(timeMs: number, kind: string, data: Readonly<Record<string, unknown>> = {}): void {
    this.log.appendEvent({ timeMs, kind, data });
  }

  dispose(): void {
    this.log.dispose();
  }
}

/** The runs a history holds (also for the CLI's read-only log). */
export function runsOfLog(log: HistoryLog): RunInfo[] {
  return runsFromEvents(log.events(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY), log.newestTimeMs);
}

export function runSamplesOfLog(log: HistoryLog, run: RunInfo): RunSamples {
  const names = new Set(RUN_FIGURES.map((f) => f.series));
  // An ended run ends where the next begins: its end is exclusive.
  const series = [...log.read(run.startMs, run.ended ? run.endMs - 1 : run.endMs, (name) => names.has(name)).values()];
  return runSamplesOf((name) => series.filter((h) => h.name === name), run.commit !== null && run.dirty !== null ? { commit: run.commit, dirty: run.dirty } : undefined);
}
