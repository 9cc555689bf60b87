/**
 * The core's view of a Kubernetes cluster. The client-node adapter implements it against a real
 * apiserver; the fake in test/fakes implements it in memory; both pass test/contract.
 */
import type { Installation } from '../model/installation.ts';
import type { EventInfo, JobInfo, LogRequest, PodInfo } from '../model/workload.ts';

export interface ClusterIdentity {
  username: string;
  groups: string[];
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
  listJobs(namespace: string): Promise<JobInfo[]>;
  readLog(namespace: string, request: LogRequest): Promise<string>;
  whoAmI(): Promise<ClusterIdentity>;
  serverVersion(): Promise<string>;
}

/** Gateways by context name; `default` is the context used when a command names none. */
export interface ClusterDirectory {
  readonly contexts: readonly string[];
  readonly defaultContext: string;
  get(context: string): ClusterGateway | undefined;
}
