/**
 * When the status bar item is rendered: on every snapshot, and by a slow timer so the
 * data turns "stale" even when the collector itself has stalled.
 *
 * The timer renders only when no snapshot came within its period (nor within the stale
 * threshold, for intervals shorter than the period). While snapshots keep coming, a
 * timer render shows what the snapshot's render already showed; at 1 Hz it was one
 * render in three, about a third of the status bar's CPU (issue 20). When snapshots
 * stop, the timer renders as before, so the item turns stale at the same time.
 */
import { Clock, TimerHandle } from './clock';
import { staleAfterMs } from './config';

/** The timer's period. */
export const STATUS_TIMER_MS = 2000;

/** True when a timer render can show something the last snapshot's render did not. */
export function timerRenderNeeded(nowMs: number, lastSnapshotMs: number | undefined, intervalMs: number): boolean {
  return lastSnapshotMs === undefined || nowMs - lastSnapshotMs >= Math.min(STATUS_TIMER_MS, staleAfterMs(intervalMs));
}

export class StatusRefresh {
  private lastSnapshotMs: number | undefined;
  private timer: TimerHandle | undefined;
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    /** The collection interval now (it follows the settings). */
    private readonly intervalMs: () => number,
    private readonly render: () => void,
  ) {
    this.arm();
  }

  /** A snapshot came: render now, and the timer stays quiet for a period. */
  snapshot(): void {
    this.lastSnapshotMs = this.clock.now();
    this.render();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private arm(): void {
    this.timer = this.clock.setTimeout(() => {
      if (this.disposed) {
        return;
      }
      if (timerRenderNeeded(this.clock.now(), this.lastSnapshotMs, this.intervalMs())) {
        this.render();
      }
      this.arm();
    }, STATUS_TIMER_MS);
  }
}
