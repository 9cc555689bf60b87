/**
 * The Clock port for replaying a recorded stream: time is the stream's, set as each line comes, and
 * timers that fall due on the way run synchronously, in time order. test/fakes' FakeClock lets
 * promises settle (ten setImmediate turns) around every timer and advance, which would cost more
 * than the engine itself per watch event; the bench yields once after the timers of a line instead.
 */
import { sleepOn, type Clock, type Timer } from '../src/core/ports/clock.ts';

interface Scheduled {
  due: number;
  seq: number;
  fn: () => void;
  everyMs?: number;
}

export class StepClock implements Clock {
  private nowMs: number;
  private seq = 0;
  private timers: Scheduled[] = [];

  constructor(startMs: number) {
    this.nowMs = startMs;
  }

  now(): Date {
    return new Date(this.nowMs);
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

  /** Moves to `ms` (never back), running every timer due by then; says how many ran. */
  moveTo(ms: number): number {
    let ran = 0;
    for (let next = this.nextDue(ms); next; next = this.nextDue(ms)) {
      this.nowMs = Math.max(this.nowMs, next.due);
      if (next.everyMs === undefined) this.timers = this.timers.filter((t) => t !== next);
      else next.due += next.everyMs;
      next.fn();
      ran++;
    }
    this.nowMs = Math.max(this.nowMs, ms);
    return ran;
  }

  private schedule(due: number, fn: () => void, everyMs?: number): Timer {
    const entry: Scheduled = { due, seq: this.seq++, fn, ...(everyMs !== undefined ? { everyMs } : {}) };
    this.timers.push(entry);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== entry)) };
  }

  private nextDue(target: number): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const t of this.timers) if (t.due <= target && (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq))) best = t;
    return best;
  }
}
