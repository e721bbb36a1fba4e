import * as l10n from '@vscode/l10n';
/**
 * PM2's supervision semantics, made explicit and pure (no processes, no timers), so
 * the sequence of decisions can be tested with a fake clock:
 *
 * - every exit the user did not ask for is restarted;
 * - a run shorter than `minUptimeMs` is *unstable*;
 * - the delay before a restart starts at `firstDelayMs` and grows ×1.5 per restart
 *   up to `maxDelayMs` (PM2's `exp_backoff_restart_delay`); a stable run resets it;
 * - when more than `maxRestarts` unstable runs end within `windowMs`, the supervisor
 *   gives up: the server is left stopped and one critical alert names the crash loop.
 *   So `maxRestarts: 3` means three restarts, and the fourth quick exit stops it.
 */

/** The growth of the restart delay, PM2's constant. */
export const BACKOFF_MULTIPLIER = 1.5;

export interface SupervisionPolicy {
  /** A run shorter than this is unstable (PM2 `min_uptime`). Default 1 s. */
  readonly minUptimeMs: number;
  /** Unstable runs tolerated within `windowMs` before giving up (PM2 `max_restarts`). Default 10. */
  readonly maxRestarts: number;
  /** The window unstable runs are counted in. Default 5 min. */
  readonly windowMs: number;
  /** Delay before the first restart. Default 100 ms (PM2's exp_backoff_restart_delay example). */
  readonly firstDelayMs: number;
  /** Cap on the delay. Default 15 s (PM2's cap). */
  readonly maxDelayMs: number;
  /** After SIGTERM, how long before SIGKILL (PM2 `kill_timeout`). Default 1.6 s. */
  readonly killTimeoutMs: number;
}

export const DEFAULT_POLICY: SupervisionPolicy = {
  minUptimeMs: 1000,
  maxRestarts: 10,
  windowMs: 5 * 60_000,
  firstDelayMs: 100,
  maxDelayMs: 15_000,
  killTimeoutMs: 1600,
};

/** How a run ended. `signal` is set when the process was killed by one. */
export interface RunExit {
  readonly startedAtMs: number;
  readonly exitedAtMs: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
}

export type ExitDecision =
  | {
      readonly action: 'restart';
      readonly delayMs: number;
      readonly unstable: boolean;
      readonly uptimeMs: number;
      /** Unstable runs within the window, this one included. */
      readonly unstableInWindow: number;
    }
  | {
      readonly action: 'giveUp';
      readonly unstable: true;
      readonly uptimeMs: number;
      readonly unstableInWindow: number;
      /** The unstable exits that made up the loop, oldest first. */
      readonly exits: readonly RunExit[];
    };

/**
 * The restart state of one supervised command: which delay comes next and which
 * unstable exits are still inside the window. One owner (the supervisor) feeds it
 * every unexpected exit, in order.
 */
export class RestartPolicy {
  private nextDelayMs: number;
  private unstableExits: RunExit[] = [];

  constructor(readonly policy: SupervisionPolicy = DEFAULT_POLICY) {
    this.nextDelayMs = policy.firstDelayMs;
  }

  /** The delay the next restart would wait. */
  get pendingDelayMs(): number {
    return this.nextDelayMs;
  }

  /** Decides what to do about an exit the user did not ask for. */
  onUnexpectedExit(exit: RunExit): ExitDecision {
    const uptimeMs = Math.max(0, exit.exitedAtMs - exit.startedAtMs);
    const unstable = uptimeMs < this.policy.minUptimeMs;
    if (!unstable) {
      // A stable run: the next restart is quick again, and old crashes are forgiven.
      this.reset();
    } else {
      this.unstableExits.push(exit);
    }
    const since = exit.exitedAtMs - this.policy.windowMs;
    this.unstableExits = this.unstableExits.filter((e) => e.exitedAtMs > since);
    const unstableInWindow = this.unstableExits.length;
    if (unstable && unstableInWindow > this.policy.maxRestarts) {
      const exits = this.unstableExits;
      this.reset();
      return { action: 'giveUp', unstable: true, uptimeMs, unstableInWindow, exits };
    }
    const delayMs = this.nextDelayMs;
    this.nextDelayMs = Math.min(this.policy.maxDelayMs, Math.round(this.nextDelayMs * BACKOFF_MULTIPLIER));
    return { action: 'restart', delayMs, unstable, uptimeMs, unstableInWindow };
  }

  /** Forgets the backoff and the unstable runs (a stable run, or the user started it again). */
  reset(): void {
    this.nextDelayMs = this.policy.firstDelayMs;
    this.unstableExits = [];
  }
}

/** "exit code 1", "signal SIGKILL", for sentences. */
export function describeExit(e: { readonly exitCode: number | null; readonly signal: string | null }): string {
  if (e.signal) {
    return l10n.t('signal {0}', e.signal);
  }
  return e.exitCode === null ? l10n.t('an unknown status') : l10n.t('exit code {0}', e.exitCode);
}

/** The terminal's dim line when a run ends: "stopped: exit code 0" when asked for, else "exited: signal SIGSEGV — why". */
export function exitLine(e: { readonly exitCode: number | null; readonly signal: string | null; readonly error?: string; readonly expected: boolean }): string {
  const how = `${describeExit(e)}${e.error ? ` — ${e.error}` : ''}`;
  return e.expected ? l10n.t('stopped: {0}', how) : l10n.t('exited: {0}', how);
}
