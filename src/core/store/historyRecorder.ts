/**
 * Keeps the monitor's history on disk across "Reload Window" and crashes of the
 * extension host: every snapshot is appended to the HistoryLog, and a new session
 * replays the recent window into the in-memory store before its first tick, so the
 * dashboard, alerts and report start with the hour they had.
 */
import { Disposable } from '../events';
import { Snapshot } from '../model';
import { RunSamples, runSamplesOf, RUN_CONTEXT, RUN_FIGURES } from '../report/runSamples';
import { RunInfo, runsFromEvents } from '../runs/runs';
import { HistoryEvent, HistoryLog, HistoryOptions, RecoveryReport } from './historyLog';
import { SeriesStore } from './seriesStore';
import { TIER_SPAN_MS } from './tiers';

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
   * Loads the history of [fromMs, toMs] into `store`, which must be empty (call it
   * before the first tick): every series at once, through the store's own bounds, and
   * the tiers (10 s, 1 min) as far back as they reach.
   * Returns the number of ticks restored (those of the series seen most often: the
   * series of one source share their ticks).
   */
  restoreInto(store: SeriesStore, fromMs: number, toMs: number): number {
    // The tiers first (as far back as each reaches), then the raw samples after their newest buckets.
    const { raw, tiers } = this.log.readWithTiers(fromMs, toMs, (step) => toMs - (TIER_SPAN_MS[step] ?? 0));
    for (const [step, bySeries] of tiers) {
      store.loadTiers(step, bySeries.values());
    }
    const series = [...raw.values()];
    store.load(series);
    return series.reduce((n, h) => Math.max(n, h.times.length), 0);
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

  /** Marks (run starts and ends, saves) in [fromMs, toMs], oldest first. */
  events(fromMs: number, toMs: number): HistoryEvent[] {
    return this.log.events(fromMs, toMs);
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
  const names = new Set([...RUN_FIGURES, ...RUN_CONTEXT].map((f) => f.series));
  // An ended run ends where the next begins: its end is exclusive.
  const series = [...log.read(run.startMs, run.ended ? run.endMs - 1 : run.endMs, (name) => names.has(name)).values()];
  return runSamplesOf((name) => series.filter((h) => h.name === name), run.commit !== null && run.dirty !== null ? { commit: run.commit, dirty: run.dirty } : undefined);
}
