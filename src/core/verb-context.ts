/** Everything a verb's handler may use: ports, the resolved scope, the caller. No transports. */
import type { ChangeService } from './change/change-service.ts';
import type { RunOptions } from './change/change-deps.ts';
import type { Access } from './policy/access.ts';
import type { AuditLog } from './ports/audit-log.ts';
import type { Clock } from './ports/clock.ts';
import type { ClusterDirectory, ClusterGateway } from './ports/cluster-gateway.ts';
import type { Registry } from './registry.ts';

/** Who asked, and through which adapter. */
export interface Caller {
  /** Stable id: the Mattermost user id, or `terminal:<os user>`. */
  id: string;
  /** Shown in replies and audit: `@alice`, or the OS user in the terminal. */
  name: string;
  via: 'terminal' | 'mattermost';
  /** Mattermost team and channel names and group names, where the policy binds them. */
  team?: string;
  channel?: string;
  groups?: string[];
}

/** The bare user name (`alice`), as policies and Kubernetes identities name people. */
export const usernameOf = (caller: Caller): string => caller.name.replace(/^@/, '');

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
