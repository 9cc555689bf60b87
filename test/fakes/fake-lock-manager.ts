/** In-memory LockManager with lease expiry on a given clock; passes test/contract/lock-manager.contract.ts. */
import type { Clock } from '../../src/core/ports/clock.ts';
import type { AcquireResult, FoundLock, HeldLock, InstallationRef, LockHolder, LockManager } from '../../src/core/ports/lock-manager.ts';
import { MatteropsError } from '../../src/core/errors.ts';

interface Entry { target: InstallationRef; holder: LockHolder; renewedAt: number }

export class FakeLockManager implements LockManager {
  readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly durationMs: number;

  constructor(clock: Clock, durationSeconds = 30) {
    this.clock = clock;
    this.durationMs = durationSeconds * 1000;
  }

  private key = (t: InstallationRef): string => `${t.cluster}/${t.namespace}/${t.name}`;
  private expired = (e: Entry): boolean => e.renewedAt + this.durationMs < this.clock.now().getTime();

  async acquire(target: InstallationRef, holder: LockHolder): Promise<AcquireResult> {
    await Promise.resolve();
    const existing = this.entries.get(this.key(target));
    if (existing && !this.expired(existing)) return { ok: false, holder: existing.holder };
    this.entries.set(this.key(target), { target, holder, renewedAt: this.clock.now().getTime() });
    return { ok: true, lock: { target, holder } };
  }

  async renew(lock: HeldLock): Promise<void> {
    await Promise.resolve();
    const entry = this.entries.get(this.key(lock.target));
    if (entry?.holder.operationId !== lock.holder.operationId) throw new MatteropsError('conflict', `the lock on ${lock.target.namespace}/${lock.target.name} was taken over by another operation`);
    entry.renewedAt = this.clock.now().getTime();
  }

  async release(lock: HeldLock): Promise<void> {
    await Promise.resolve();
    if (this.entries.get(this.key(lock.target))?.holder.operationId === lock.holder.operationId) this.entries.delete(this.key(lock.target));
  }

  async list(): Promise<FoundLock[]> {
    await Promise.resolve();
    return [...this.entries.values()].map((e) => ({ target: e.target, holder: e.holder, expired: this.expired(e) }));
  }
}
