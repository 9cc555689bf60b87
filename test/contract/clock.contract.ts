/**
 * What every Clock promises, run against the system clock (real, short waits) and the fake one.
 * `pass(ms)` lets `ms` of the clock's time go by (a real wait, or an advance).
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/ports/clock.ts';

export interface ClockUnderTest {
  clock: Clock;
  pass: (ms: number) => Promise<void>;
}

export function clockContract(name: string, make: () => ClockUnderTest): void {
  describe(`Clock contract: ${name}`, () => {
    it('resolves a sleep after its time, not before', async () => {
      const { clock, pass } = make();
      let woke = false;
      const sleeping = clock.sleep(40).then(() => {
        woke = true;
      });
      await pass(10);
      expect(woke).toBe(false);
      await pass(80);
      await sleeping;
      expect(woke).toBe(true);
    });

    it('rejects a sleep with the reason its signal aborts with, at once', async () => {
      const { clock } = make();
      const stop = new AbortController();
      const sleeping = clock.sleep(60_000, stop.signal);
      stop.abort(new Error('lock lost'));
      await expect(sleeping).rejects.toThrow('lock lost');
      await expect(clock.sleep(1, stop.signal)).rejects.toThrow('lock lost');
    });

    it('runs timers in the order they fall due', async () => {
      const { clock, pass } = make();
      const seen: string[] = [];
      clock.after(30, () => seen.push('late'));
      clock.at(new Date(clock.now().getTime() + 10), () => seen.push('early'));
      await pass(80);
      expect(seen).toEqual(['early', 'late']);
    });

    it('repeats every period until cancelled, and a cancelled timer never runs', async () => {
      const { clock, pass } = make();
      let ticks = 0;
      const ticking = clock.every(20, () => {
        ticks++;
      });
      let ran = false;
      clock
        .after(10, () => {
          ran = true;
        })
        .cancel();
      await pass(110);
      ticking.cancel();
      const seen = ticks;
      expect(seen).toBeGreaterThanOrEqual(2);
      await pass(60);
      expect(ticks).toBe(seen);
      expect(ran).toBe(false);
    });

    it('moves now forward with the time that passes', async () => {
      const { clock, pass } = make();
      const before = clock.now().getTime();
      await pass(50);
      expect(clock.now().getTime() - before).toBeGreaterThanOrEqual(45);
    });
  });
}
