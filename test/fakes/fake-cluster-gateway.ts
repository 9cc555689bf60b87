/**
 * An in-memory ClusterGateway for unit tests. It passes the same contract tests
 * (test/contract/cluster-gateway.contract.ts) as the client-node adapter against the sandbox.
 */
import { MatteropsError } from '../../src/core/errors.ts';
import { toInstallation, type Installation } from '../../src/core/model/installation.ts';
import {
  concernsInstallation,
  seenSince,
  type EventInfo,
  type JobInfo,
  type EnvSource,
  type LogRequest,
  type PodInfo,
  type WaitingContainer,
} from '../../src/core/model/workload.ts';
import { kinds, sameKind, type ResourceWrite, type WrittenObject } from '../../src/core/model/resource.ts';
import type { ClusterDirectory, ClusterGateway, ClusterIdentity, Subscription, WriteOptions } from '../../src/core/ports/cluster-gateway.ts';
import type { RecordedEvent } from '../support/record-event.ts';
import { mergePatch } from './merge-patch.ts';

type Raw = {
  metadata: { name: string; namespace: string; generation: number; resourceVersion: string; creationTimestamp: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
};

export interface SeedOptions {
  replicas?: number;
  version?: string;
  state?: string;
  createdAt?: Date;
  /** Status fields to override (observedGeneration, updatedReplicas, error...). */
  status?: Record<string, unknown>;
  generation?: number;
}

/**
 * The environment the real operator gives the app container (its mergeEnvVars): MM_CONFIG and
 * MM_SQLSETTINGS_DATASOURCE from the database Secret's DB_CONNECTION_STRING (unless
 * `mountsDataSource` is off, as in operators that did not), each replaced by a `mattermostEnv`
 * entry of the same name. Sources only, as PodInfo carries them.
 */
function operatorEnvSources(spec: Record<string, unknown>, mountsDataSource: boolean): Record<string, EnvSource> {
  const secret = (spec.database as { external?: { secret?: string } } | undefined)?.external?.secret;
  const sources: Record<string, EnvSource> = {};
  if (secret) {
    const fromSecret: EnvSource = { kind: 'secret', name: secret, key: 'DB_CONNECTION_STRING' };
    sources.MM_CONFIG = fromSecret;
    if (mountsDataSource) sources.MM_SQLSETTINGS_DATASOURCE = fromSecret;
  }
  for (const e of (spec.mattermostEnv ?? []) as { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]) {
    const ref = e.valueFrom?.secretKeyRef;
    sources[e.name] = ref ? { kind: 'secret', name: ref.name, key: ref.key } : e.valueFrom ? { kind: 'other' } : { kind: 'value' };
  }
  return sources;
}

type Key = string;
const key = (namespace: string, name: string): Key => `${namespace}/${name}`;

/**
 * One revision counter for every fake, like the one etcd revision behind an apiserver: two fake
 * clusters never hand out the same resourceVersion for different objects, so a plan made on one
 * cannot pass a precondition on the other by luck.
 */
const revision = { value: 100 };

export class FakeClusterGateway implements ClusterGateway {
  readonly context: string;
  readonly server: string;
  identity: ClusterIdentity = { username: 'matterops', groups: ['matterops', 'system:authenticated'] };
  crdInstalled = true;
  reachable = true;
  /** Raw custom resources, as the apiserver stores them. */
  readonly objects = new Map<Key, Raw>();
  readonly secrets = new Map<Key, string[]>();
  /** Objects of other kinds the change pipeline wrote: `apiVersion/plural/namespace/name`. */
  readonly others = new Map<string, Raw>();
  /** Whether the fake operator mounts the database Secret as MM_SQLSETTINGS_DATASOURCE too (the real one here does). */
  mountsDataSource = true;
  /** When set, the fake operator takes every change to stable on its own (after one tick of reconciling). */
  autoSettle = true;
  /** Simulated RBAC for impersonation: user -> namespaces where it may write. */
  readonly writers = new Map<string, Set<string>>();
  impersonating: { user: string; groups: string[] } | undefined;
  private readonly listeners = new Map<Key, Set<(i: Installation | undefined) => void>>();
  /** The shared revision counter (see `revision`). */
  private readonly counter = revision;
  readonly pods = new Map<Key, PodInfo[]>();
  readonly events = new Map<string, EventInfo[]>();
  readonly jobs = new Map<string, JobInfo[]>();
  readonly logs = new Map<string, string>();
  /** The previous (terminated) container's log, by `namespace/pod/container`, as the kubelet keeps it after a restart. */
  readonly previousLogs = new Map<string, string>();
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
    const raw = {
      metadata: {
        name,
        namespace,
        generation,
        resourceVersion: String(++this.counter.value),
        creationTimestamp: (options.createdAt ?? new Date(0)).toISOString(),
      },
      spec: {
        version,
        replicas,
        image: 'mattermost/mattermost-enterprise-edition',
        ingress: { enabled: true, host: `${name}.example.com` },
        database: { external: { secret: `${name}-db` } },
      },
      status: {
        state: options.state ?? 'stable',
        version,
        image: 'mattermost/mattermost-enterprise-edition',
        replicas,
        updatedReplicas: replicas,
        observedGeneration: generation,
        endpoint: `${name}.example.com`,
        ...options.status,
      },
    };
    this.objects.set(key(namespace, name), raw);
    this.secrets.set(key(namespace, `${name}-db`), ['DB_CONNECTION_STRING']);
    this.pods.set(
      key(namespace, name),
      Array.from({ length: replicas }, (_, i) => ({
        name: `${name}-5d8f7c9b4-${String(i).padStart(5, 'x')}`,
        phase: 'Running',
        ready: true,
        restarts: 0,
        createdAt: options.createdAt ?? new Date(0),
        node: `kwok-node-${i % 3}`,
        image: `mattermost/mattermost-enterprise-edition:${version}`,
        waitingReason: undefined,
        lastTerminationReason: undefined,
        terminating: false,
        envSources: operatorEnvSources(raw.spec, this.mountsDataSource),
      })),
    );
    return toInstallation(raw);
  }

  /** Async like a real call: failures arrive as rejections, never as synchronous throws. */
  private async check(): Promise<void> {
    this.calls++;
    await Promise.resolve();
    if (!this.reachable)
      throw new MatteropsError('unavailable', `cannot reach cluster ${this.context} at ${this.server} (ECONNREFUSED)`, 'check that the apiserver is running');
  }

  private checkCrd(): void {
    if (!this.crdInstalled)
      throw new MatteropsError(
        'not_found',
        `the Mattermost operator's CRD (mattermosts.installation.mattermost.com) is not installed in cluster ${this.context}`,
      );
  }

  async listInstallations(namespace?: string): Promise<Installation[]> {
    await this.check();
    this.checkCrd();
    return [...this.objects.values()].map(toInstallation).filter((i) => namespace === undefined || i.namespace === namespace);
  }

  async getInstallation(namespace: string, name: string): Promise<Installation | undefined> {
    await this.check();
    this.checkCrd();
    const raw = this.objects.get(key(namespace, name));
    return raw ? toInstallation(raw) : undefined;
  }

  async listPods(namespace: string, installation: string): Promise<PodInfo[]> {
    await this.check();
    return this.pods.get(key(namespace, installation)) ?? [];
  }

  async listEvents(namespace: string, installation: string): Promise<EventInfo[]> {
    await this.check();
    return (this.events.get(namespace) ?? []).filter((e) => concernsInstallation(installation, e.objectName));
  }

  /** An Event as a kubelet would record it (test/support/record-event.ts does it on the real apiserver). */
  record(e: RecordedEvent): void {
    const info: EventInfo = {
      type: e.type,
      reason: e.reason,
      message: e.message,
      objectKind: e.objectKind,
      objectName: e.objectName,
      count: 1,
      lastSeen: e.lastSeen,
    };
    this.events.set(e.namespace, [...(this.events.get(e.namespace) ?? []), info]);
  }

  async listWarnings(namespace: string, installation: string, since: Date): Promise<EventInfo[]> {
    return (await this.listEvents(namespace, installation)).filter((e) => e.type === 'Warning').filter(seenSince(since));
  }

  /** Seeded Jobs as the real mapper gives them: labels always there, annotations only `matterops.io/` ones. */
  async listJobs(namespace: string): Promise<JobInfo[]> {
    await this.check();
    const own = (annotations: Record<string, string> = {}) => Object.fromEntries(Object.entries(annotations).filter(([k]) => k.startsWith('matterops.io/')));
    return (this.jobs.get(namespace) ?? []).map((j) => ({ ...j, labels: { ...j.labels }, annotations: own(j.annotations) }));
  }

  /** Failure reasons of job pods, by `namespace/job`. */
  readonly jobFailures = new Map<string, string[]>();
  /** Containers of job pods that wait to start, by `namespace/job` (a test sets them, as a node would). */
  readonly jobWaiting = new Map<string, WaitingContainer[]>();
  /** Termination messages of finished job pods, by `namespace/job`. */
  readonly jobMessages = new Map<string, string[]>();
  /**
   * A fake kubelet for Jobs: called with each Job created (not in a dry run); what it returns is
   * how the Job's pod ended. Undefined: the Job stays active until a test finishes it.
   */
  jobRunner: ((job: Raw) => { succeeded: boolean; message: string } | undefined) | undefined;

  /** Ends a Job as its pod would: succeeded or failed, with a termination message. */
  finishJob(namespace: string, name: string, result: { succeeded: boolean; message: string }): void {
    const list = this.jobs.get(namespace) ?? [];
    const job = list.find((j) => j.name === name);
    if (job) Object.assign(job, { active: 0, succeeded: result.succeeded ? 1 : 0, failed: result.succeeded ? 0 : 1 });
    this.jobMessages.set(key(namespace, name), [result.message]);
    if (!result.succeeded) this.jobFailures.set(key(namespace, name), [`Error (exit 1): ${result.message}`]);
  }

  async jobTerminationMessages(namespace: string, job: string): Promise<string[]> {
    await this.check();
    return this.jobMessages.get(key(namespace, job)) ?? [];
  }

  async jobPodsWaiting(namespace: string, job: string): Promise<WaitingContainer[]> {
    await this.check();
    return this.jobWaiting.get(key(namespace, job)) ?? [];
  }

  async jobPodFailures(namespace: string, job: string): Promise<string[]> {
    await this.check();
    return this.jobFailures.get(key(namespace, job)) ?? [];
  }

  async readLog(namespace: string, request: LogRequest): Promise<string> {
    await this.check();
    const log = this.logs.get(key(namespace, request.pod));
    if (log === undefined) throw new MatteropsError('not_found', `cluster ${this.context}: pods "${request.pod}" not found`);
    const container = request.container ?? 'mattermost';
    const previous = this.previousLogs.get(`${key(namespace, request.pod)}/${container}`);
    if (request.previous && previous === undefined)
      // What the kubelet answers (400) for a container that never restarted.
      throw new MatteropsError(
        'invalid',
        `cluster ${this.context} rejected the request: previous terminated container "${container}" in pod "${request.pod}" not found`,
      );
    const whole = request.previous ? (previous ?? '') : log;
    // Lines end with a newline, as the kubelet writes them: a final one starts no empty line.
    const ended = whole.endsWith('\n');
    const tail = `${(ended ? whole.slice(0, -1) : whole).split('\n').slice(-request.tailLines).join('\n')}${ended ? '\n' : ''}`;
    // limitBytes counts from the start of the tail, as the kubelet's does.
    return request.limitBytes ? Buffer.from(tail).subarray(0, request.limitBytes).toString() : tail;
  }

  async whoAmI(): Promise<ClusterIdentity> {
    await this.check();
    return this.identity;
  }

  async serverVersion(): Promise<string> {
    await this.check();
    return 'v1.36.3';
  }

  private checkWrite(namespace: string, verb: string): void {
    const who = this.impersonating;
    if (who && !this.writers.get(who.user)?.has(namespace)) {
      throw new MatteropsError(
        'forbidden',
        `cluster ${this.context} refused: mattermosts.installation.mattermost.com is forbidden: User "${who.user}" cannot ${verb} resource "mattermosts" in API group "installation.mattermost.com" in the namespace "${namespace}"`,
      );
    }
  }

  private notify(namespace: string, name: string): void {
    const raw = this.objects.get(key(namespace, name));
    for (const listener of this.listeners.get(key(namespace, name)) ?? []) listener(raw ? toInstallation(raw) : undefined);
  }

  /**
   * The fake operator: reconciling now, stable (with matching pods) on the next tick. Like the real
   * operator's, its status write is a write of its own: it moves the resourceVersion.
   */
  private reconcile(namespace: string, name: string): void {
    const raw = this.objects.get(key(namespace, name));
    if (!raw) return;
    raw.status = { ...raw.status, state: 'reconciling', observedGeneration: raw.metadata.generation };
    raw.metadata = { ...raw.metadata, resourceVersion: String(++this.counter.value) };
    this.notify(namespace, name);
    if (this.autoSettle) setTimeout(() => this.settle(namespace, name), 1);
  }

  /** Takes an installation to stable as the operator would: pods, version, observedGeneration. */
  settle(namespace: string, name: string): void {
    const raw = this.objects.get(key(namespace, name));
    if (!raw) return;
    const replicas = Number(raw.spec.replicas ?? 2);
    const version = typeof raw.spec.version === 'string' ? raw.spec.version : '';
    raw.status = { ...raw.status, state: 'stable', replicas, updatedReplicas: replicas, version, observedGeneration: raw.metadata.generation };
    raw.metadata.resourceVersion = String(++this.counter.value);
    this.pods.set(
      key(namespace, name),
      Array.from({ length: replicas }, (_, i) => ({
        name: `${name}-6c7d8e9f0-${String(i).padStart(5, 'y')}`,
        phase: 'Running',
        ready: true,
        restarts: 0,
        createdAt: new Date(0),
        node: `kwok-node-${i % 3}`,
        image: `mattermost/mattermost-enterprise-edition:${version}`,
        waitingReason: undefined,
        lastTerminationReason: undefined,
        terminating: false,
        envSources: operatorEnvSources(raw.spec, this.mountsDataSource),
      })),
    );
    this.notify(namespace, name);
  }

  private preconditions(raw: Raw | undefined, namespace: string, name: string, options: WriteOptions): Raw {
    if (!raw) throw new MatteropsError('not_found', `cluster ${this.context}: mattermosts.installation.mattermost.com "${name}" not found`);
    if (options.resourceVersion && options.resourceVersion !== raw.metadata.resourceVersion) {
      throw new MatteropsError(
        'conflict',
        `cluster ${this.context}: Operation cannot be fulfilled on mattermosts.installation.mattermost.com "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        'it changed meanwhile; run the command again',
      );
    }
    return raw;
  }

  /** Writes like the apiserver: the Mattermost CR into `objects` (the fake operator reconciles it), other kinds into `others`. */
  async write(request: ResourceWrite, options: WriteOptions): Promise<WrittenObject | undefined> {
    await this.check();
    this.checkWrite(request.namespace, request.action.kind);
    const raw = sameKind(request.resource, kinds.mattermost) ? this.writeInstallation(request, options) : this.writeOther(request, options);
    if (raw && !options.dryRun && request.action.kind === 'create' && sameKind(request.resource, kinds.job)) this.startJob(raw);
    return raw && { object: raw, generation: raw.metadata.generation, resourceVersion: raw.metadata.resourceVersion };
  }

  /** Test helpers: the same writes, as the Mattermost CR they leave. */
  async patchInstallation(namespace: string, name: string, patch: object, options: WriteOptions): Promise<Installation> {
    return toInstallation(
      (await this.write({ resource: kinds.mattermost, namespace, name, action: { kind: 'patch', patch: patch as Record<string, unknown> } }, options))?.object,
    );
  }

  async deleteInstallation(namespace: string, name: string, options: WriteOptions): Promise<void> {
    await this.write({ resource: kinds.mattermost, namespace, name, action: { kind: 'delete' } }, options);
  }

  private writeInstallation(request: ResourceWrite, options: WriteOptions): Raw | undefined {
    const { namespace, name, action } = request;
    switch (action.kind) {
      case 'patch':
        return this.patchRaw(namespace, name, action.patch, options);
      case 'create':
        return this.createRaw(namespace, action.body, options);
      case 'delete':
        this.deleteRaw(namespace, name, options);
        return undefined;
    }
  }

  private patchRaw(namespace: string, name: string, patch: object, options: WriteOptions): Raw {
    const raw = this.preconditions(this.objects.get(key(namespace, name)), namespace, name, options);
    const next = mergePatch(raw, patch) as Raw;
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(raw.spec);
    // Labels and annotations merge as the apiserver merges them; name, namespace and versions stay the server's.
    next.metadata = {
      ...next.metadata,
      ...raw.metadata,
      ...(next.metadata.annotations ? { annotations: next.metadata.annotations } : {}),
      generation: raw.metadata.generation + (specChanged ? 1 : 0),
      resourceVersion: String(this.counter.value + 1),
    };
    if (options.dryRun) return next;
    this.counter.value++;
    this.objects.set(key(namespace, name), next);
    const written = structuredClone(next); // as written: the operator's status write comes after
    this.notify(namespace, name);
    if (specChanged) this.reconcile(namespace, name);
    return written;
  }

  private createRaw(namespace: string, body: object, options: WriteOptions): Raw {
    const given = body as { metadata: { name: string }; spec: Record<string, unknown> };
    const name = given.metadata.name;
    if (this.objects.has(key(namespace, name)))
      throw new MatteropsError('conflict', `cluster ${this.context}: mattermosts.installation.mattermost.com "${name}" already exists`);
    const raw: Raw = {
      metadata: { name, namespace, generation: 1, resourceVersion: String(this.counter.value + 1), creationTimestamp: new Date().toISOString() },
      spec: given.spec,
      status: {},
    };
    if (options.dryRun) return raw;
    this.counter.value++;
    this.objects.set(key(namespace, name), raw);
    const written = structuredClone(raw);
    this.notify(namespace, name);
    this.reconcile(namespace, name);
    return written;
  }

  private deleteRaw(namespace: string, name: string, options: WriteOptions): void {
    this.preconditions(this.objects.get(key(namespace, name)), namespace, name, options);
    if (options.dryRun) return;
    this.objects.delete(key(namespace, name));
    this.pods.delete(key(namespace, name));
    setTimeout(() => this.notify(namespace, name), 1);
  }

  /** Any other kind (Jobs, ConfigMaps, Secrets): stored as given, with a generation bumped by spec or data changes. */
  private writeOther(request: ResourceWrite, options: WriteOptions): Raw | undefined {
    const { namespace, name, action } = request;
    const k = `${request.resource.apiVersion}/${request.resource.plural}/${namespace}/${name}`;
    const what = `${request.resource.plural} "${name}"`;
    const existing = this.others.get(k);
    if (action.kind !== 'create') {
      if (!existing) throw new MatteropsError('not_found', `cluster ${this.context}: ${what} not found`);
      if (options.resourceVersion && options.resourceVersion !== existing.metadata.resourceVersion) {
        throw new MatteropsError(
          'conflict',
          `cluster ${this.context}: Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`,
          'it changed meanwhile; run the command again',
        );
      }
    } else if (existing) throw new MatteropsError('conflict', `cluster ${this.context}: ${what} already exists`);
    if (action.kind === 'delete') {
      if (!options.dryRun) this.others.delete(k);
      return undefined;
    }
    const base =
      action.kind === 'create'
        ? { ...action.body, metadata: { ...(action.body.metadata as object), name, namespace, generation: 0 } }
        : mergePatch(existing, action.patch);
    const next = {
      ...(base as Raw),
      metadata: { ...(base as Raw).metadata, generation: ((base as Raw).metadata.generation ?? 0) + 1, resourceVersion: String(this.counter.value + 1) },
    };
    if (options.dryRun) return next;
    this.counter.value++;
    this.others.set(k, next);
    return structuredClone(next);
  }

  private startJob(job: Raw): void {
    const { namespace, name, labels, annotations } = job.metadata as {
      namespace: string;
      name: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    const list = this.jobs.get(namespace) ?? [];
    const started: JobInfo = {
      name,
      owner: undefined,
      active: 1,
      succeeded: 0,
      failed: 0,
      createdAt: new Date(),
      failureReason: undefined,
      labels,
      annotations,
    };
    this.jobs.set(namespace, [...list, started]);
    const result = this.jobRunner?.(structuredClone(job));
    if (result) setTimeout(() => this.finishJob(namespace, name, result), 1);
  }

  async secretKeys(namespace: string, name: string): Promise<string[] | undefined> {
    await this.check();
    return this.secrets.get(key(namespace, name));
  }

  watchInstallation(namespace: string, name: string, onChange: (i: Installation | undefined) => void): Subscription {
    const k = key(namespace, name);
    const set = this.listeners.get(k) ?? new Set();
    this.listeners.set(k, set);
    set.add(onChange);
    setTimeout(() => {
      const raw = this.objects.get(k);
      if (set.has(onChange)) onChange(raw ? toInstallation(raw) : undefined);
    }, 0);
    return { stop: () => set.delete(onChange) };
  }

  /** Shares the fake cluster's state, acting as another user (see `writers`). */
  impersonate(user: string, groups: string[]): ClusterGateway {
    const view = Object.create(this) as FakeClusterGateway;
    view.impersonating = { user, groups };
    return view;
  }
}

export function fakeDirectory(...gateways: FakeClusterGateway[]): ClusterDirectory {
  const byContext = new Map(gateways.map((g) => [g.context, g]));
  return { contexts: [...byContext.keys()], defaultContext: gateways[0]?.context ?? 'fake', get: (c) => byContext.get(c) };
}
