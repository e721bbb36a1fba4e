/**
 * Time is injected: samplers, the collector, alert rules and the analyzer take a
 * Clock so unit tests can move time by hand instead of sleeping.
 */

export type TimerHandle = { readonly __timer: unique symbol } | number | object;

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Re-arms a timer this clock made and did not clear, whether it fired or not: it
   * fires `ms` (its first duration) from now. For a timer used again and again, so it is
   * made once; a clock without it makes callers set a new timer each time.
   */
  refreshTimeout?(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // The monitor must never keep a CLI or the extension host alive on its own.
    t.unref?.();
    return t as unknown as TimerHandle;
  },
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
  refreshTimeout: (h) => {
    (h as unknown as NodeJS.Timeout).refresh();
  },
};
