import * as path from 'node:path';
import * as vscode from 'vscode';
import { Monitor } from '../core/monitor';
import { Settings } from '../core/settings/settings';
import { HistoryRecorder } from '../core/store/historyRecorder';
import { commitText, RunInfo, RunStartData, VcsReading } from '../core/runs/runs';
import { RunTracker } from '../core/runs/runTracker';
import { checkRegression, RegressionCheck, REGRESSION_CHECK_AFTER_TICKS } from '../core/runs/regressionCheck';
import { runSamplesFrom } from '../core/report/runSamples';
import { Snapshot } from '../core/model';
import { MonitorLog } from './log';
import { inertLogText } from '../core/text/inertText';
import { FILE_SAVED, GIT_COMMIT, TimelineMarker, timelineMarkers } from '../core/runs/timelineMarkers';

const DAY_MS = 24 * 3600_000;

/** What the history on disk holds and what this session restored from it; `restore` in performance.now() time. */
export interface HistoryStatus {
  dir: string | undefined;
  bytesOnDisk: number;
  restoredTicks: number;
  restore?: { startedMs: number; ms: number };
}

/**
 * Owns the history on disk for this workspace: opens it in the extension's
 * workspace storage, restores the recent window once (before the first tick of
 * this session), records every snapshot, and closes it (writing the head block)
 * when the extension is deactivated.
 */
export class HistoryController implements vscode.Disposable {
  private recorder: HistoryRecorder | undefined;
  private tracker: RunTracker | undefined;
  private restored = false;
  private readonly subscription: { dispose(): void };
  private restoredTicks = 0;
  private restoreTiming: HistoryStatus['restore'];
  /** The run going on, and whether it was compared with the previous one yet. */
  private currentRun: { startMs: number; checked: boolean } | undefined;
  private lastCheckResult: { check: RegressionCheck; baseId: string; headId: string } | undefined;

  constructor(
    private readonly monitor: Monitor,
    private readonly storageDir: string,
    private readonly log: MonitorLog,
    /** The workspace's git state, read once per run start. */
    private readonly readVcs: () => Promise<VcsReading>,
    private readonly onRunStart: (run: RunStartData & { startMs: number }) => void = () => undefined,
    /** A new run was compared with the previous one (after REGRESSION_CHECK_AFTER_TICKS seconds). */
    private readonly onRegressionCheck: (check: RegressionCheck, baseId: string, headId: string) => void = () => undefined,
  ) {
    this.subscription = monitor.onSnapshot((s) => {
      try {
        this.recorder?.record(s);
        this.tracker?.onSnapshot(s);
        this.maybeCheckRegression(s);
      } catch (e) {
        // A full disk must not stop monitoring: say it once and stop writing.
        this.log.error(vscode.l10n.t('History could not be written to {0}: {1}. The monitor keeps working from memory; free disk space and reload the window to resume.', this.storageDir, e instanceof Error ? e.message : String(e)));
        this.close();
      }
    });
  }

  /** (Re)opens or closes the history after the history settings changed. */
  apply(settings: Settings): void {
    this.close();
    if (!settings['history.persist']) {
      return;
    }
    try {
      this.recorder = HistoryRecorder.open(path.join(this.storageDir, 'history'), {
        retentionMs: settings['history.retentionDays'] * DAY_MS,
        maxBytes: settings['history.maxDiskMb'] * 1024 * 1024,
      });
      // Named once, so `chatroom-monitor history export --store DIR` can be pointed at it.
      this.log.info(vscode.l10n.t('History on disk: {0}', this.recorder.dir));
      const recorder = this.recorder;
      const lastRun = recorder.runs().at(-1);
      // A run going on since before this session (a reload) was compared then, or will not be.
      this.currentRun = lastRun && !lastRun.ended ? { startMs: lastRun.startMs, checked: true } : undefined;
      this.tracker = new RunTracker(
        { mark: (t, kind, data) => this.markSafely(recorder, t, kind, data) },
        this.readVcs,
        lastRun,
        (startMs, data) => {
          this.log.info(vscode.l10n.t('Run started: server pid {0}, {1}.', data.pid, inertLogText(commitText(data))));
          this.currentRun = { startMs, checked: false };
          this.onRunStart({ ...data, startMs });
        },
      );
      for (const p of this.recorder.recovery.problems) {
        this.log.warn(vscode.l10n.t('History recovered after an unclean stop: {0}', p));
      }
    } catch (e) {
      this.log.error(vscode.l10n.t('History on disk is off: {0} could not be opened ({1}). The monitor keeps working from memory.', this.storageDir, e instanceof Error ? e.message : String(e)));
    }
  }

  /**
   * Replays the last `windowMs` into the monitor's (new, empty) store; only once per
   * session, and only before the first tick, so no older sample follows a newer one.
   */
  restoreOnce(windowMs: number, nowMs: number): void {
    if (this.restored || !this.recorder || this.monitor.latestSnapshot) {
      return;
    }
    this.restored = true;
    const startedMs = performance.now();
    try {
      this.restoredTicks = this.recorder.restoreInto(this.monitor.store, nowMs - windowMs, nowMs);
      if (this.restoredTicks > 0) {
        this.log.info(vscode.l10n.t('Restored {0} ticks of history from disk (the last {1} min).', this.restoredTicks, Math.round(windowMs / 60_000)));
      }
    } catch (e) {
      this.log.warn(vscode.l10n.t('History could not be restored: {0}.', e instanceof Error ? e.message : String(e)));
    }
    this.restoreTiming = { startedMs, ms: performance.now() - startedMs };
  }

  /**
   * Moments for the charts since `fromMs` — runs starting, files saved, commits — from the
   * history's events (kept in memory by the log: no file is read). None while
   * history on disk is off.
   */
  timeline(fromMs: number): TimelineMarker[] {
    return this.recorder ? timelineMarkers(this.recorder.events(fromMs, Number.POSITIVE_INFINITY)) : [];
  }

  /** A file in the workspace was saved: a line on the charts at that moment (and in the history). */
  markSave(timeMs: number, relativePath: string): void {
    if (this.recorder) {
      this.markSafely(this.recorder, timeMs, FILE_SAVED, { path: relativePath });
    }
  }

  /** A git commit was made in the workspace: a line on the charts at that moment (and in the history). */
  markCommit(timeMs: number, commit: { hash: string; subject: string }): void {
    if (this.recorder) {
      this.markSafely(this.recorder, timeMs, GIT_COMMIT, { commit: commit.hash, subject: commit.subject });
    }
  }

  /** Runs in the history, oldest first (empty when history on disk is off). */
  runs(): RunInfo[] {
    return this.recorder?.runs() ?? [];
  }

  /** The recorder, while history on disk is on (Compare Runs reads runs' samples through it). */
  get history(): HistoryRecorder | undefined {
    return this.recorder;
  }

  /** Resolves when the run marks of the snapshots seen so far are written. */
  runsSettled(): Promise<void> {
    return this.tracker?.settled() ?? Promise.resolve();
  }

  /** The last comparison of a new run with the previous one (tests). */
  get lastRegressionCheck(): { check: RegressionCheck; baseId: string; headId: string } | undefined {
    return this.lastCheckResult;
  }

  /**
   * Once a new run has REGRESSION_CHECK_AFTER_TICKS seconds, it is compared with the
   * previous run: the previous run's last ten minutes (its steady part, and a bounded
   * cost) from disk, this run's seconds from memory.
   */
  private maybeCheckRegression(s: Snapshot): void {
    const run = this.currentRun;
    const recorder = this.recorder;
    if (!run || run.checked || !recorder || s.timeMs - run.startMs < REGRESSION_CHECK_AFTER_TICKS * 1000) {
      return;
    }
    run.checked = true;
    const runs = recorder.runs();
    const head = runs.at(-1);
    const base = runs.at(-2);
    if (!head || !base || head.startMs !== run.startMs) {
      return;
    }
    let check: RegressionCheck;
    try {
      const baseSamples = recorder.runSamples({ ...base, startMs: Math.max(base.startMs, base.endMs - 600_000) });
      const vcs = head.commit !== null && head.dirty !== null ? { commit: head.commit, dirty: head.dirty } : undefined;
      check = checkRegression(baseSamples, runSamplesFrom(this.monitor.store, head.startMs, s.timeMs, vcs));
    } catch (e) {
      this.log.warn(vscode.l10n.t('This run could not be compared with the previous one: {0}.', e instanceof Error ? e.message : String(e)));
      return;
    }
    this.lastCheckResult = { check, baseId: base.id, headId: head.id };
    this.onRegressionCheck(check, base.id, head.id);
  }

  private markSafely(recorder: HistoryRecorder, timeMs: number, kind: string, data: Readonly<Record<string, unknown>>): void {
    if (this.recorder !== recorder) {
      return; // Closed or reopened since the run started.
    }
    try {
      recorder.mark(timeMs, kind, data);
    } catch (e) {
      this.log.error(vscode.l10n.t('History could not be written to {0}: {1}. The monitor keeps working from memory.', this.storageDir, e instanceof Error ? e.message : String(e)));
      this.close();
    }
  }

  status(): HistoryStatus {
    return { dir: this.recorder?.dir, bytesOnDisk: this.recorder?.bytesOnDisk ?? 0, restoredTicks: this.restoredTicks, restore: this.restoreTiming };
  }

  private close(): void {
    this.recorder?.dispose();
    this.recorder = undefined;
    this.tracker = undefined;
    this.currentRun = undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.close();
  }
}
