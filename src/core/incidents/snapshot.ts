/**
 * What the rules read about one installation at one moment (issue 12, Rules): its custom resource,
 * and the pods, Deployments, Jobs and warning Events that belong to it, already decoded from the
 * watched objects (src/adapters/kubernetes/incident-snapshot.ts). Plain data, so rules are pure
 * functions and unit tests build snapshots by hand.
 */

/** A Kubernetes condition as the rules use it; `since` is its lastTransitionTime. */
export interface ConditionSnapshot {
  status: 'True' | 'False' | 'Unknown';
  reason?: string | undefined;
  message?: string | undefined;
  since?: Date | undefined;
}

export interface ContainerSnapshot {
  name: string;
  image?: string | undefined;
  ready: boolean;
  restarts: number;
  waiting?: { reason: string; message?: string | undefined } | undefined;
  lastTerminated?: { reason?: string | undefined; exitCode?: number | undefined; finishedAt?: Date | undefined } | undefined;
}

export interface PodSnapshot {
  name: string;
  node?: string | undefined;
  phase: string;
  /** The pod's own reason (`Evicted`) and message, set when the kubelet gave the pod up. */
  reason?: string | undefined;
  message?: string | undefined;
  deleting: boolean;
  ready?: ConditionSnapshot | undefined;
  scheduled?: ConditionSnapshot | undefined;
  containers: ContainerSnapshot[];
  pullSecrets: string[];
}

export interface DeploymentSnapshot {
  name: string;
  desired: number;
  available: number;
  progressing?: ConditionSnapshot | undefined;
  /** The Available condition (its lastTransitionTime tells since when fewer are available). */
  availableCondition?: ConditionSnapshot | undefined;
}

/** A ReplicaSet that wants pods; `failure` is its ReplicaFailure condition (pods it cannot create: a quota, a policy). */
export interface ReplicaSetSnapshot {
  name: string;
  desired: number;
  failure?: ConditionSnapshot | undefined;
}

export type JobPurpose = 'update-check' | 'backup' | 'drill';

export interface JobSnapshot {
  name: string;
  purpose: JobPurpose;
  createdAt?: Date | undefined;
  /** The Failed condition, once the Job gave up. */
  failed?: ConditionSnapshot | undefined;
  complete: boolean;
}

export interface EventSnapshot {
  reason: string;
  message: string;
  /** `Pod/mattermost-7c9-abcde`. */
  object: string;
  count: number;
  lastSeen?: Date | undefined;
}

export interface InstallationSnapshot {
  namespace: string;
  name: string;
  /** The Mattermost CR's status; undefined once the CR is gone. */
  resource?:
    | {
        generation: number;
        observedGeneration?: number | undefined;
        state?: string | undefined;
        error?: string | undefined;
        version?: string | undefined;
        /** The CR's creationTimestamp: an installation younger than the backup threshold needs no backup yet. */
        createdAt?: Date | undefined;
      }
    | undefined;
  pods: PodSnapshot[];
  deployments: DeploymentSnapshot[];
  replicaSets: ReplicaSetSnapshot[];
  jobs: JobSnapshot[];
  events: EventSnapshot[];
  /**
   * When its newest good (complete) backup started, from the leader's slow read of the store
   * (core/last-good-backups.ts): null when the store holds none; the field is absent when backups
   * are off or the store was not read for it yet, so no rule judges backups it knows nothing of.
   */
  newestGoodBackup?: Date | null | undefined;
}

/** `namespace/name`, how incidents and routes name an installation. */
export const installationKey = (s: Pick<InstallationSnapshot, 'namespace' | 'name'>): string => `${s.namespace}/${s.name}`;
