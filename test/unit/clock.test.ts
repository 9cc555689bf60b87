/** The system clock and the fake one keep the same promises (test/contract/clock.contract.ts). */
import { systemClock } from '../../src/core/ports/clock.ts';
import { clockContract } from '../contract/clock.contract.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { sleep } from '../../src/core/sleep.ts';

clockContract('system', () => ({ clock: systemClock, pass: (ms) => sleep(ms) }));
clockContract('fake', () => {
  const clock = new FakeClock();
  return { clock, pass: (ms) => clock.advance(ms) };
});
