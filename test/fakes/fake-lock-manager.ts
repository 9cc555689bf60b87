/** In-memory LockManager with lease expiry on a given clock; passes test/contract/lock-manager.contract.ts. */
import type { Clock } from '../../src/core/ports/clock.ts';
import type { InstallationRef } from '../../src/core/model/installation-ref.ts';
import type { AcquireResult, FoundLock, HeldLock, LockHolder, LockManager, RenewOptions } from '../../src/core/ports/lock-manager.ts';
import { MatteropsError } from '../../src/core/errors.ts';

/** `token` is the holder identity of this acquire (a fresh one each time, like the Lease adapter's). */
interface Entry {
  target: InstallationRef;
  holder: LockHolder;
  token: string;
  renewedAt: number;
}

export class FakeLockManager implements LockManager {
  readonly entries = new Map<string, Entry>();
  private readonly clock: Pick<Clock, 'now'>;
  private readonly durationMs: number;
  private acquired = 0;

  constructor(clock: Pick<Clock, 'now'>, durationSeconds = 30) {
    this.clock = clock;
    this.durationMs = durationSeconds * 1000;
  }

  private key = (t: InstallationRef): string => `${t.cluster}/${t.namespace}/${t.name}`;
  private expired = (e: Entry): boolean => e.renewedAt + this.durationMs < this.clock.now().getTime();

  async acquire(target: InstallationRef, holder: LockHolder): Promise<AcquireResult> {
    await Promise.resolve();
    const existing = this.entries.get(this.key(target));
    if (existing && !this.expired(existing)) return { ok: false, holder: existing.holder };
    const token = `${holder.operationId}.${++this.acquired}`;
    this.entries.set(this.key(target), { target, holder, token, renewedAt: this.clock.now().getTime() });
    return { ok: true, lock: { target, holder, token } };
  }

  async renew(lock: HeldLock, options: RenewOptions = {}): Promise<void> {
    await Promise.resolve();
    const entry = this.entries.get(this.key(lock.target));
    if (entry?.token !== lock.token)
      throw new MatteropsError('conflict', `the lock on ${lock.target.namespace}/${lock.target.name} was taken over by another holder`);
    entry.renewedAt = this.clock.now().getTime();
    if (options.record) entry.holder = { ...entry.holder, record: options.record };
  }

  async release(lock: HeldLock): Promise<void> {
    await Promise.resolve();
    if (this.entries.get(this.key(lock.target))?.token === lock.token) this.entries.delete(this.key(lock.target));
  }

  async list(): Promise<FoundLock[]> {
    await Promise.resolve();
    return [...this.entries.values()].map((e) => ({ target: e.target, holder: e.holder, expired: this.expired(e) }));
  }
}
