/**
 * An in-memory ClusterGateway for unit tests. It passes the same contract tests
 * (test/contract/cluster-gateway.contract.ts) as the client-node adapter against the sandbox.
 */
import { MatteropsError } from '../../src/core/errors.ts';
import { toInstallation, type Installation } from '../../src/core/model/installation.ts';
import type { EventInfo, JobInfo, LogRequest, PodInfo } from '../../src/core/model/workload.ts';
import type { ClusterDirectory, ClusterGateway, ClusterIdentity } from '../../src/core/ports/cluster-gateway.ts';

export interface SeedOptions {
  replicas?: number;
  version?: string;
  state?: string;
  createdAt?: Date;
  /** Status fields to override (observedGeneration, updatedReplicas, error...). */
  status?: Record<string, unknown>;
  generation?: number;
}

type Key = string;
const key = (namespace: string, name: string): Key => `${namespace}/${name}`;

export class FakeClusterGateway implements ClusterGateway {
  readonly context: string;
  readonly server: string;
  identity: ClusterIdentity = { username: 'matterops', groups: ['matterops', 'system:authenticated'] };
  crdInstalled = true;
  reachable = true;
  readonly installations = new Map<Key, Installation>();
  readonly pods = new Map<Key, PodInfo[]>();
  readonly events = new Map<string, EventInfo[]>();
  readonly jobs = new Map<string, JobInfo[]>();
  readonly logs = new Map<string, string>();
  /** Counts calls, so benchmarks and tests can see how many reads a verb made. */
  calls = 0;

  constructor(context = 'fake', server = 'https://fake.invalid:6443') {
    this.context = context;
    this.server = server;
  }

  /** Adds an installation as the operator leaves it once stable, with its pods. */
  seed(namespace: string, name: string, options: SeedOptions = {}): Installation {
    const replicas = options.replicas ?? 2;
    const version = options.version ?? '9.9.0';
    const generation = options.generation ?? 2;
    const installation = toInstallation({
      metadata: { name, namespace, generation, resourceVersion: String(this.installations.size + 100), creationTimestamp: (options.createdAt ?? new Date(0)).toISOString() },
      spec: { version, replicas, image: 'mattermost/mattermost-enterprise-edition', ingress: { enabled: true, host: `${name}.example.com` }, database: { external: { secret: `${name}-db` } } },
      status: { state: options.state ?? 'stable', version, image: 'mattermost/mattermost-enterprise-edition', replicas, updatedReplicas: replicas, observedGeneration: generation, endpoint: `${name}.example.com`, ...options.status },
    });
    this.installations.set(key(namespace, name), installation);
    this.pods.set(key(namespace, name), Array.from({ length: replicas }, (_, i) => ({
      name: `${name}-5d8f7c9b4-${String(i).padStart(5, 'x')}`, phase: 'Running', ready: true, restarts: 0,
      createdAt: options.createdAt ?? new Date(0), node: `kwok-node-${i % 3}`, image: `mattermost/mattermost-enterprise-edition:${version}`,
      waitingReason: undefined, lastTerminationReason: undefined, terminating: false,
    })));
    return installation;
  }

  /** Async like a real call: failures arrive as rejections, never as synchronous throws. */
  private async check(): Promise<void> {
    this.calls++;
    await Promise.resolve();
    if (!this.reachable) throw new MatteropsError('unavailable', `cannot reach cluster ${this.context} at ${this.server} (ECONNREFUSED)`, 'check that the apiserver is running');
  }

  private checkCrd(): void {
    if (!this.crdInstalled) throw new MatteropsError('not_found', `the Mattermost operator's CRD (mattermosts.installation.mattermost.com) is not installed in cluster ${this.context}`);
  }

  async listInstallations(namespace?: string): Promise<Installation[]> {
    await this.check();
    this.checkCrd();
    return [...this.installations.values()].filter((i) => namespace === undefined || i.namespace === namespace);
  }

  async getInstallation(namespace: string, name: string): Promise<Installation | undefined> {
    await this.check();
    this.checkCrd();
    return this.installations.get(key(namespace, name));
  }

  async listPods(namespace: string, installation: string): Promise<PodInfo[]> {
    await this.check();
    return this.pods.get(key(namespace, installation)) ?? [];
  }

  async listEvents(namespace: string, installation: string): Promise<EventInfo[]> {
    await this.check();
    const concerns = (n: string): boolean => n === installation || n.startsWith(`${installation}-`) || n.startsWith('mattermost-update-check');
    return (this.events.get(namespace) ?? []).filter((e) => concerns(e.objectName));
  }

  async listJobs(namespace: string): Promise<JobInfo[]> {
    await this.check();
    return this.jobs.get(namespace) ?? [];
  }

  async readLog(namespace: string, request: LogRequest): Promise<string> {
    await this.check();
    const log = this.logs.get(key(namespace, request.pod));
    if (log === undefined) throw new MatteropsError('not_found', `cluster ${this.context}: pods "${request.pod}" not found`);
    return log.split('\n').slice(-request.tailLines).join('\n');
  }

  async whoAmI(): Promise<ClusterIdentity> {
    await this.check();
    return this.identity;
  }

  async serverVersion(): Promise<string> {
    await this.check();
    return 'v1.36.3';
  }
}

export function fakeDirectory(...gateways: FakeClusterGateway[]): ClusterDirectory {
  const byContext = new Map(gateways.map((g) => [g.context, g]));
  return { contexts: [...byContext.keys()], defaultContext: gateways[0]?.context ?? 'fake', get: (c) => byContext.get(c) };
}
