/**
 * The in-flight record on the lock names a plan's writes but never carries them (review of issue
 * 10): an env patch holds every value of the installation's environment, masked everywhere else,
 * and the record sits in plain sight on a Lease that anyone who may read Leases there can read.
 */
import { describe, expect, it } from 'vitest';
import type { LockHolder, RenewOptions } from '../../../src/core/ports/lock-manager.ts';
import { createHarness } from '../../support/core-harness.ts';

describe('the in-flight record', () => {
  it('holds no env value, neither when the lock is taken nor when a step is saved', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    const stored: string[] = [];
    const acquire = h.locks.acquire.bind(h.locks);
    const renew = h.locks.renew.bind(h.locks);
    h.locks.acquire = (target, holder: LockHolder) => {
      stored.push(JSON.stringify(holder.record));
      return acquire(target, holder);
    };
    h.locks.renew = (lock, options: RenewOptions = {}) => {
      if (options.record) stored.push(JSON.stringify(options.record));
      return renew(lock, options);
    };
    await h.run('env mattermost set MM_SQLSETTINGS_DATASOURCE=postgres://mm:hunter2@db/mm --yes');
    const second = await h.run('env mattermost set MM_LOGSETTINGS_CONSOLELEVEL=DEBUG --yes');
    expect(second.reply.error).toBeUndefined();
    expect(stored.length).toBeGreaterThanOrEqual(4); // two acquires, two saved steps
    for (const record of stored) {
      expect(record).not.toContain('hunter2');
      expect(record).not.toContain('DEBUG');
    }
  });
});
