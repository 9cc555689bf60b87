/** Everything a verb's handler may use: ports, the resolved scope, the caller. No transports. */
import type { ChangeService } from './change/change-service.ts';
import type { Access } from './policy/access.ts';
import type { AuditLog } from './ports/audit-log.ts';
import type { Clock } from './ports/clock.ts';
import type { ClusterDirectory, ClusterGateway } from './ports/cluster-gateway.ts';
import type { Caller } from './model/caller.ts';
import type { Registry } from './registry.ts';
import type { RunOptions } from './run-options.ts';

export interface Scope {
  cluster: string;
  /** The namespace given with -n, if any. */
  namespace: string | undefined;
  /** Where to look first when no -n is given (from config). */
  defaultNamespace: string;
}

export interface Limits {
  maxLogLines: number;
  /** Replies longer than this are cut (chat posts have a size limit). */
  maxLogChars: number;
}

export interface VerbContext {
  gateway: ClusterGateway;
  clusters: ClusterDirectory;
  scope: Scope;
  caller: Caller;
  clock: Clock;
  registry: Registry;
  version: string;
  limits: Limits;
  /** The verb being run (for authorisation checks inside shared helpers). */
  verb: string;
  access: Access;
  changes: ChangeService;
  audit: AuditLog;
  options: RunOptions;
}
