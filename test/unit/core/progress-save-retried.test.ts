/**
 * A progress save that fails is carried by the next renewals until one lands (review of issue 10):
 * otherwise the Lease kept naming an older step for the rest of the change, and a resume after a
 * crash started from there.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeDeps } from '../../../src/core/change/change-deps.ts';
import { whileHolding } from '../../../src/core/change/hold-lock.ts';
import type { InFlightRecord } from '../../../src/core/model/in-flight-record.ts';
import type { HeldLock, LockManager, RenewOptions } from '../../../src/core/ports/lock-manager.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';

describe('saving the step reached', () => {
  it('is tried again with the next renewal when it fails', async () => {
    const clock = new FakeClock();
    const carried: (number | undefined)[] = [];
    let failNext = true;
    const locks: LockManager = {
      acquire: () => Promise.reject(new Error('not used')),
      renew: (_lock: HeldLock, options: RenewOptions = {}) => {
        carried.push(options.record?.step);
        if (options.record && failNext) {
          failNext = false;
          return Promise.reject(new Error('the apiserver blinked'));
        }
        return Promise.resolve();
      },
      release: () => Promise.resolve(),
      list: () => Promise.resolve([]),
    };
    const deps = { locks: () => locks, clock, logger: silentLogger, lockRenewMs: 1_000 } as Pick<ChangeDeps, 'locks' | 'clock' | 'logger' | 'lockRenewMs'>;
    const lock = { target: { cluster: 'c', namespace: 'chat', name: 'mattermost' }, token: 'op1.t', holder: { operationId: 'op1' } } as unknown as HeldLock;
    const record = { step: 1 } as InFlightRecord;
    let finish = (): void => undefined;
    const done = whileHolding(deps, lock, async (holding) => {
      await holding.saveProgress(record);
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
    });
    await clock.advance(2_500); // two periodic renewals
    finish();
    await done;
    expect(carried).toEqual([1, 1, undefined]); // the failed save, the renewal that carried it, then a plain one
  });
});
