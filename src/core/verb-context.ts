/** Everything a verb's handler may use: ports, the resolved scope, the caller. No transports. */
import type { Access } from './policy/access.ts';
import type { AuditLog } from './ports/audit-log.ts';
import type { Backups } from './ports/backup-store.ts';
import type { Clock } from './ports/clock.ts';
import type { ClusterGateway } from './ports/cluster-gateway.ts';
import type { Confirmations } from './ports/confirmations.ts';
import type { Caller } from './model/caller.ts';
import type { Registry } from './registry.ts';
import type { ScheduleDeps } from './ports/schedule-deps.ts';
import type { StateStore } from './ports/state-store.ts';
import type { RunOptions } from './run-options.ts';

/** Where incident routes (and mutes) are kept, and the channel incidents go to without a route. */
export interface IncidentSettings {
  store: StateStore;
  defaultChannel: string | undefined;
  /** The cluster incidents are about (the default one: the incident watch and Alertmanager's groups look there). */
  cluster: string;
}

export interface Scope {
  cluster: string;
  /** The namespace given with -n, if any. */
  namespace: string | undefined;
  /** Where to look first when no -n is given (from config). */
  defaultNamespace: string;
}

export interface LogLimits {
  maxLogLines: number;
  /** Replies longer than this are cut (chat posts have a size limit). */
  maxLogChars: number;
}

export interface VerbContext {
  gateway: ClusterGateway;
  scope: Scope;
  caller: Caller;
  clock: Clock;
  registry: Registry;
  version: string;
  logLimits: LogLimits;
  /** The verb being run (for authorisation checks inside shared helpers). */
  verb: string;
  access: Access;
  /** What `confirm` and `cancel` use: plans waiting for a confirmation, bound to this command. */
  confirmations: Confirmations;
  audit: AuditLog;
  /** Database backups: the settings and the store's catalog, or why they are off. */
  backups: Backups;
  /** The schedules of status digests (docs/digests.md). */
  schedules: ScheduleDeps;
  /** The chat channel the command was typed in, where a schedule added there posts. */
  channelHere: { id: string; name?: string } | undefined;
  /** The caller's own channel of this name, from chat (RunOptions.memberChannel); undefined from the terminal. */
  memberChannel: RunOptions['memberChannel'];
  /** Incident notifications: routes kept in the cluster (verbs notify, mute). */
  incidents: IncidentSettings;
}
