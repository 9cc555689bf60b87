/**
 * A clock that moves only when told: `advance(ms)` runs every timer that falls due on the way, in
 * time order, letting the promise chains they start settle before the next one (so a sleep that
 * resolves and schedules another sleep is seen within the same advance). Passes
 * test/contract/clock.contract.ts, as the system clock does.
 */
import { sleepOn, type Clock, type Timer } from '../../src/core/ports/clock.ts';

interface Scheduled {
  due: number;
  seq: number;
  fn: () => void;
  everyMs?: number;
  cancelled: boolean;
}

/** Lets promise callbacks and anything queued with setImmediate run (no timers involved). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

export class FakeClock implements Clock {
  private nowMs: number;
  private seq = 0;
  private readonly timers: Scheduled[] = [];

  constructor(start: Date = new Date('2026-11-27T09:00:00Z')) {
    this.nowMs = start.getTime();
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  /** How many timers wait (a test can check that nothing was left running). */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  after(ms: number, fn: () => void): Timer {
    return this.schedule(this.nowMs + Math.max(0, ms), fn);
  }

  at(time: Date, fn: () => void): Timer {
    return this.schedule(Math.max(this.nowMs, time.getTime()), fn);
  }

  every(ms: number, fn: () => void): Timer {
    return this.schedule(this.nowMs + Math.max(1, ms), fn, Math.max(1, ms));
  }

  /** Moves time forward by `ms`, running what falls due in order. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    await settle();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.nowMs = Math.max(this.nowMs, next.due);
      if (next.everyMs === undefined) this.remove(next);
      else next.due += next.everyMs;
      next.fn();
      await settle();
    }
    this.nowMs = target;
    await settle();
  }

  /** Advances in steps of `stepMs` until `done()` holds or `limitMs` has passed; says whether it held. */
  async advanceUntil(done: () => boolean, limitMs: number, stepMs = 100): Promise<boolean> {
    for (let waited = 0; !done() && waited < limitMs; waited += stepMs) await this.advance(stepMs);
    return done();
  }

  private schedule(due: number, fn: () => void, everyMs?: number): Timer {
    const entry: Scheduled = { due, seq: this.seq++, fn, cancelled: false, ...(everyMs !== undefined ? { everyMs } : {}) };
    this.timers.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
        this.remove(entry);
      },
    };
  }

  private nextDue(target: number): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const t of this.timers) {
      if (t.cancelled || t.due > target) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }

  private remove(entry: Scheduled): void {
    const i = this.timers.indexOf(entry);
    if (i >= 0) this.timers.splice(i, 1);
  }
}
