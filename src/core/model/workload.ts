/** Pods, events and jobs of an installation, in the shape verbs need (no client types leak in). */
export interface PodInfo {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  createdAt: Date | undefined;
  node: string | undefined;
  image: string | undefined;
  /** Why the main container is waiting now (CrashLoopBackOff, ImagePullBackOff...). */
  waitingReason: string | undefined;
  /** Why it last terminated (OOMKilled, Error...). */
  lastTerminationReason: string | undefined;
  /** When it last terminated (what "restarts in the last 24 h" of a digest counts by); absent when unknown. */
  lastTerminatedAt?: Date | undefined;
  terminating: boolean;
  /**
   * Where the main container takes each environment variable from, never the value: a restore
   * checks that MM_SQLSETTINGS_DATASOURCE comes from the database Secret it switched to.
   */
  envSources: Readonly<Record<string, EnvSource>>;
}

/** Whether the pod's main container takes `env` from Secret `secret` (any key). */
export const takesEnvFromSecret = (pod: Pick<PodInfo, 'envSources'>, env: string, secret: string | undefined): boolean => {
  const source = pod.envSources[env];
  return source?.kind === 'secret' && source.name === secret;
};

/** Where an environment variable's value comes from (a Secret's key is named, its value is not read). */
export type EnvSource =
  | { kind: 'secret'; name: string; key: string }
  | { kind: 'config-map'; name: string; key: string }
  | { kind: 'value' }
  | { kind: 'other' };

/** A container of a Job's pod that has not started, and why, in the node's words (ImagePullBackOff: Back-off pulling image "x"). */
export interface WaitingContainer {
  pod: string;
  reason: string;
  message: string;
}

export interface EventInfo {
  type: string;
  reason: string;
  message: string;
  objectKind: string;
  objectName: string;
  count: number;
  lastSeen: Date | undefined;
}

export interface JobInfo {
  name: string;
  /** The Mattermost installation that owns the Job (its controller reference), if any. */
  owner: string | undefined;
  active: number;
  succeeded: number;
  failed: number;
  createdAt: Date | undefined;
  /** Reason of a Failed condition, when the Job gave up. */
  failureReason: string | undefined;
  /** The Job's labels; matterops runner Jobs carry `backupLabels` (model/backup.ts). */
  labels?: Record<string, string>;
  /** The Job's `matterops.io/` annotations only (`backupAnnotations`: who asked, the note). */
  annotations?: Record<string, string>;
}

export interface LogRequest {
  pod: string;
  /** Which container; default the Mattermost one (or the pod's first). */
  container?: string;
  tailLines: number;
  sinceSeconds?: number;
  /**
   * At most this many bytes from the apiserver. It counts from the start of the tail asked for,
   * so it bounds memory, not which lines are kept: ask for few enough lines to fit.
   */
  limitBytes?: number;
  previous: boolean;
}

/**
 * Whether an event's object belongs to an installation: the CR itself, what the operator names after
 * it (Deployment, ReplicaSets, pods), or the update-check Job every installation shares a name for.
 */
export const concernsInstallation = (installation: string, objectName: string): boolean =>
  objectName === installation || objectName.startsWith(`${installation}-`) || objectName.startsWith('mattermost-update-check');

/**
 * How far back `status` shows warnings: the apiserver's default event TTL (`--event-ttl`, 1h), so
 * an Event older than this is usually gone anyway, and the events cache of `serve` keeps no more
 * (src/adapters/kubernetes/warning-events-cache.ts).
 */
export const recentWarningsMs = 60 * 60_000;

/** Whether an event was last seen at or after `since` (one that says nothing of when counts as the epoch). */
export const seenSince =
  (since: Date) =>
  (event: EventInfo): boolean =>
    (event.lastSeen?.getTime() ?? 0) >= since.getTime();
