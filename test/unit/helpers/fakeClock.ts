import FakeTimers from '@sinonjs/fake-timers';
import { Clock, TimerHandle } from '../../../src/core/clock';

/** A Clock whose time only moves when the test says so (prom-client's fake-timer habit). */
export interface FakeClock extends Clock {
  /** Moves time forward, running due timers; awaits promises they start between steps. */
  tickAsync(ms: number): Promise<void>;
  tick(ms: number): void;
}

export function fakeClock(startMs = Date.UTC(2026, 0, 1)): FakeClock {
  const c = FakeTimers.createClock(startMs);
  return {
    now: () => c.now,
    setTimeout: (fn, ms) => c.setTimeout(fn, ms) as unknown as TimerHandle,
    clearTimeout: (h) => c.clearTimeout(h as unknown as FakeTimers.TimerId),
    tick: (ms) => {
      c.tick(ms);
    },
    tickAsync: async (ms) => {
      await c.tickAsync(ms);
    },
  };
}
