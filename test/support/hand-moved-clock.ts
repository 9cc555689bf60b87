/**
 * A clock whose "now" a test moves by hand, with real timers measured from that "now": for tests
 * that need real waiting (a renewal that hangs on a real promise) but a "now" they control.
 */
import { systemClock, type Clock } from '../../src/core/ports/clock.ts';

export interface HandMovedClock extends Clock {
  advance(ms: number): void;
}

export function handMovedClock(start: Date): HandMovedClock {
  let now = start.getTime();
  const clock: HandMovedClock = {
    ...systemClock,
    now: () => new Date(now),
    at: (time, fn, options) => systemClock.after(time.getTime() - now, fn, options),
    advance: (ms) => {
      now += ms;
    },
  };
  return clock;
}
