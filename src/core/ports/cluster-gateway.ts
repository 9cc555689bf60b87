/**
 * The core's view of a Kubernetes cluster. The client-node adapter implements it against a real
 * apiserver; the fake in test/fakes implements it in memory; both pass test/contract.
 */
import type { Installation } from '../model/installation.ts';
import type { ResourceWrite, WrittenObject } from '../model/resource.ts';
import type { EventInfo, JobInfo, LogRequest, PodInfo, WaitingContainer } from '../model/workload.ts';

export interface ClusterIdentity {
  username: string;
  groups: string[];
}

export interface WriteOptions {
  /** Server-side dry run: validated and defaulted by the apiserver, nothing stored. */
  dryRun?: boolean;
  /** Precondition: fail with a conflict if the object changed since this version. */
  resourceVersion?: string;
}

/** A change to follow: the gateway calls back with every new state until stopped. */
export interface Subscription {
  stop(): void;
}

export interface ClusterGateway {
  /** The kubeconfig context this gateway talks to. */
  readonly context: string;
  /** The apiserver URL, for error messages. */
  readonly server: string;
  /** All installations in a namespace, or in every namespace when `namespace` is undefined. */
  listInstallations(namespace?: string): Promise<Installation[]>;
  getInstallation(namespace: string, name: string): Promise<Installation | undefined>;
  listPods(namespace: string, installation: string): Promise<PodInfo[]>;
  /** Events in the namespace whose object name is the installation's or starts with `<name>-`. */
  listEvents(namespace: string, installation: string): Promise<EventInfo[]>;
  /**
   * The Warning events of those (the same objects as `listEvents`) last seen at or after `since`.
   * `serve` answers it from its events cache once that has listed (docs/watching.md).
   */
  listWarnings(namespace: string, installation: string, since: Date): Promise<EventInfo[]>;
  listJobs(namespace: string): Promise<JobInfo[]>;
  /** Why the failed pods of a Job ended: `Error (exit 1): message`, from their termination state. */
  jobPodFailures(namespace: string, job: string): Promise<string[]>;
  /** The containers of a Job's pods that wait to start, and why (a Secret missing, an image not pulled). */
  jobPodsWaiting(namespace: string, job: string): Promise<WaitingContainer[]>;
  /** The termination messages of a Job's finished pods (a matterops runner's JSON result), newest first. */
  jobTerminationMessages(namespace: string, job: string): Promise<string[]>;
  readLog(namespace: string, request: LogRequest): Promise<string>;
  whoAmI(): Promise<ClusterIdentity>;
  serverVersion(): Promise<string>;
  /**
   * Writes one object of any kind matterops writes (model/resource.ts `kinds`): a merge patch, a
   * create or a delete. Returns the object as stored (or as it would be, in a dry run); undefined
   * for a delete.
   */
  write(request: ResourceWrite, options: WriteOptions): Promise<WrittenObject | undefined>;
  /** The key names of a Secret (never its values), or undefined when it does not exist. */
  secretKeys(namespace: string, name: string): Promise<string[] | undefined>;
  /** Calls `onChange` with every new version of the installation (undefined once deleted). */
  watchInstallation(namespace: string, name: string, onChange: (installation: Installation | undefined) => void): Subscription;
  /** The same cluster, acting as another Kubernetes identity (impersonation mode). */
  impersonate(user: string, groups: string[]): ClusterGateway;
}

/** Gateways by context name; `default` is the context used when a command names none. */
export interface ClusterDirectory {
  readonly contexts: readonly string[];
  readonly defaultContext: string;
  get(context: string): ClusterGateway | undefined;
}
