/**
 * One mutating operation per installation at a time, held in the cluster (a coordination.k8s.io
 * Lease) so two bot replicas cannot race and a restarted bot finds what was in flight.
 */
import type { InFlightRecord } from '../change/in-flight.ts';

export interface InstallationRef {
  cluster: string;
  namespace: string;
  name: string;
}

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
}

export type AcquireResult = { ok: true; lock: HeldLock } | { ok: false; holder: LockHolder };

export interface FoundLock extends HeldLock {
  /** The holder stopped renewing: it died, and the lock may be taken over. */
  expired: boolean;
}

export interface LockManager {
  acquire(target: InstallationRef, holder: LockHolder): Promise<AcquireResult>;
  /** Keeps the lock alive while the operation is followed. */
  renew(lock: HeldLock): Promise<void>;
  release(lock: HeldLock): Promise<void>;
  /** Every matterops lock in the cluster (for resuming after a restart). */
  list(): Promise<FoundLock[]>;
}
