/** What the change pipeline needs from the outside world, all as ports. */
import type { AuditLog } from '../ports/audit-log.ts';
import type { Clock } from '../ports/clock.ts';
import type { LockManager } from '../ports/lock-manager.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { Signer } from '../ports/signer.ts';
import type { Policy } from '../policy/policy-schema.ts';
import type { InstallationRef } from '../model/installation-ref.ts';
import type { PendingConfirmations } from './confirmations.ts';

export interface ChangeDeps {
  policy: Policy;
  /** Locks and audit live in each cluster: one of each per kubeconfig context. */
  locks: (cluster: string) => LockManager;
  audit: (cluster: string) => AuditLog;
  signer: Signer;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  pending: PendingConfirmations;
  /** How long a change is followed before it is reported stuck. */
  followTimeoutMs: number;
  /** How long a plan may wait for its confirmation. */
  confirmTtlMs: number;
  /** How often a held lock is renewed (well under the Lease duration). */
  lockRenewMs: number;
  /**
   * Told when a change has ended and its outcome is audited, whether this replica ran it or
   * resumed it (createCore refreshes the last good backup time after a backup); default nothing.
   */
  onFinished?: (change: FinishedChange) => void;
}

export interface FinishedChange {
  verb: string;
  target: InstallationRef;
  status: 'succeeded' | 'failed' | 'timed-out';
}
