/**
 * One mutating operation per installation at a time, held in the cluster (a coordination.k8s.io
 * Lease) so two bot replicas cannot race and a restarted bot finds what was in flight.
 */
import type { InFlightRecord } from '../model/in-flight-record.ts';
import type { InstallationRef } from '../model/installation-ref.ts';

export interface LockHolder {
  operationId: string;
  verb: string;
  /** Display name of the requester: `@alice`, or the terminal user. */
  requester: string;
  startedAt: Date;
  /** What a restarted bot needs to resume following and report. */
  record: InFlightRecord;
}

export interface HeldLock {
  target: InstallationRef;
  holder: LockHolder;
  /**
   * This acquire's own identity in the lock (a fresh one each time, the operation id plus a random
   * part): when resume takes a lock over for the same operation, the process that held it before
   * (only cut off, perhaps) finds its renewals refused and its release a no-op.
   */
  token: string;
}

export type AcquireResult = { ok: true; lock: HeldLock } | { ok: false; holder: LockHolder };

/** A lock as `list` shows it: who holds it, never its token (resume acquires its own). */
export interface FoundLock {
  target: InstallationRef;
  holder: LockHolder;
  /** The holder stopped renewing: it died, and the lock may be taken over. */
  expired: boolean;
}

export interface RenewOptions {
  /** Aborted at the renewal's deadline: the calls still under way stop too. */
  signal?: AbortSignal;
  /** Carry this record from now on: the step the change has reached, for resume. */
  record?: InFlightRecord;
}

export interface LockManager {
  acquire(target: InstallationRef, holder: LockHolder): Promise<AcquireResult>;
  /**
   * Keeps the lock alive while the operation is followed. Rejects with a `conflict` only when the
   * lock was taken over (another token holds it); any other failure may be retried.
   */
  renew(lock: HeldLock, options?: RenewOptions): Promise<void>;
  /** Frees the lock if this very acquire still holds it; leaves whoever took it over alone. */
  release(lock: HeldLock): Promise<void>;
  /** Every matterops lock in the cluster (for resuming after a restart). */
  list(): Promise<FoundLock[]>;
}
