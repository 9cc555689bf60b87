/** The system clock and the fake one keep the same promises (test/contract/clock.contract.ts). */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/ports/clock.ts';
import { clockContract } from '../contract/clock.contract.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { setTimeout as sleep } from 'node:timers/promises';

clockContract('system', () => ({ clock: systemClock, pass: (ms) => sleep(ms) }));
clockContract('fake', () => {
  const clock = new FakeClock();
  return { clock, pass: (ms) => clock.advance(ms) };
});

describe('the system clock', () => {
  it('does not fire a timer 30 days away at once (Node clamps timeouts above 2^31-1 ms to 1 ms)', async () => {
    let fired = false;
    const timer = systemClock.after(30 * 86_400_000, () => {
      fired = true;
    });
    await sleep(30);
    timer.cancel();
    expect(fired).toBe(false);
  });
});
