import * as path from 'node:path';
import * as vscode from 'vscode';
import { Monitor } from '../core/monitor';
import { Settings } from '../core/settings/settings';
import { HistoryRecorder } from '../core/store/historyRecorder';
import { MonitorLog } from './log';

const DAY_MS = 24 * 3600_000;

/**
 * Owns the history on disk for this workspace: opens it in the extension's
 * workspace storage, restores the recent window once (before the first tick of
 * this session), records every snapshot, and closes it (writing the head block)
 * when the extension is deactivated.
 */
export class HistoryController implements vscode.Disposable {
  private recorder: HistoryRecorder | undefined;
  private restored = false;
  private readonly subscription: { dispose(): void };
  private restoredTicks = 0;

  constructor(
    private readonly monitor: Monitor,
    private readonly storageDir: string,
    private readonly log: MonitorLog,
  ) {
    this.subscription = monitor.onSnapshot((s) => {
      try {
        this.recorder?.record(s);
      } catch (e) {
        // A full disk must not stop monitoring: say it once and stop writing.
        this.log.error(`History could not be written to ${this.storageDir}: ${e instanceof Error ? e.message : String(e)}. The monitor keeps working from memory; free disk space and reload the window to resume.`);
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
      this.log.info(`History on disk: ${this.recorder.dir}`);
      for (const p of this.recorder.recovery.problems) {
        this.log.warn(`History recovered after an unclean stop: ${p}`);
      }
    } catch (e) {
      this.log.error(`History on disk is off: ${this.storageDir} could not be opened (${e instanceof Error ? e.message : String(e)}). The monitor keeps working from memory.`);
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
    try {
      this.restoredTicks = this.recorder.restoreInto(this.monitor.store, nowMs - windowMs, nowMs);
      if (this.restoredTicks > 0) {
        this.log.info(`Restored ${this.restoredTicks} ticks of history from disk (the last ${Math.round(windowMs / 60_000)} min).`);
      }
    } catch (e) {
      this.log.warn(`History could not be restored: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }

  status(): { dir: string | undefined; bytesOnDisk: number; restoredTicks: number } {
    return { dir: this.recorder?.dir, bytesOnDisk: this.recorder?.bytesOnDisk ?? 0, restoredTicks: this.restoredTicks };
  }

  private close(): void {
    this.recorder?.dispose();
    this.recorder = undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.close();
  }
}
