/**
 * The plain values the core is built with (no ports, no config file shapes): the composition root
 * derives them from its configuration, the unit-test harness writes them out.
 */
import type { BackupSettings } from './model/backup-settings.ts';
import type { LogLimits } from './verb-context.ts';

export interface CoreSettings {
  /** Namespace used when a command names none. */
  defaultNamespace: string;
  /** How much of a log a reply may carry. */
  logLimits: LogLimits;
  /** How long a change is followed before it is reported stuck. */
  followTimeoutMs: number;
  /** How long a plan may wait for its confirmation. */
  confirmTtlMs: number;
  /** How often a held lock is renewed (well under the lock Lease duration). */
  lockRenewMs: number;
  /** matterops's own version, as `version` answers it. */
  version: string;
  /** Database backups, or why they are off (no bucket configured). */
  backups: BackupSettings | { off: string };
}
