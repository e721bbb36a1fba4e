/**
 * A start that must not run inside the caller's current turn the first time (VS Code's
 * activate(): whatever it does is activation time), but runs directly once released.
 *
 * `request()` before `release()` schedules one run for right after the turn in which
 * `release()` is called; `request()` after that runs at once (a pending scheduled run is
 * then dropped, so the work runs once for both).
 */
export class DeferredOnce {
  private requested = false;
  private released = false;
  private pending: ReturnType<typeof setImmediate> | undefined;

  constructor(private readonly run: () => void) {}

  request(): void {
    if (!this.released) {
      this.requested = true;
      return;
    }
    this.cancel();
    this.run();
  }

  /** From now on requests run directly; one made before runs right after this turn. */
  release(): void {
    this.released = true;
    if (this.requested) {
      this.requested = false;
      this.pending = setImmediate(() => {
        this.pending = undefined;
        this.run();
      });
    }
  }

  dispose(): void {
    this.cancel();
  }

  private cancel(): void {
    if (this.pending) {
      clearImmediate(this.pending);
      this.pending = undefined;
    }
  }
}
