/**
 * A recorded watch stream for the incident benchmark (issue 12, Performance (a)): the JSON lines an
 * apiserver sends to the leader's six watches while N installations live through crash loops, OOM
 * kills, readiness flaps and rollouts, with the kubelet's Warning events. Generated once,
 * deterministically (a seeded PRNG), from objects read from the sandbox (fixtures/, managedFields
 * and all, so each line is as big as a served one: pods about 7.7 kB, Deployments 9.4 kB).
 */
import { readFileSync } from 'node:fs';
import { installationLabel } from '../src/adapters/kubernetes/incident-objects.ts';

/** One line of one watch: which watch (the resource's plural), when it came, what the server sent. */
export interface StreamLine {
  at: number;
  plural: 'mattermosts' | 'pods' | 'deployments' | 'replicasets' | 'jobs' | 'events';
  line: string;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- templates are served JSON

const templates = JSON.parse(readFileSync(new URL('./fixtures/incident-templates.json', import.meta.url), 'utf8')) as Record<
  'pod' | 'replicaSet' | 'deployment' | 'mattermost',
  Json
>;

/** mulberry32: the same stream on every run and machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Recorder {
  readonly lines: StreamLine[] = [];
  private revision = 1000;
  private uid = 0;
  emit(at: number, plural: StreamLine['plural'], type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Json): void {
    object.metadata.resourceVersion = String(++this.revision);
    this.lines.push({ at, plural, line: JSON.stringify({ type, object }) });
  }
  newUid(): string {
    return `00000000-0000-4000-8000-${String(++this.uid).padStart(12, '0')}`;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Installation {
  namespace: string;
  name: string;
  hash: string;
  version: string;
  cr: Json;
  deployment: Json;
  replicaSet: Json;
  pods: Json[];
}

function named(template: Json, namespace: string, name: string, rec: Recorder, at: number): Json {
  const o = structuredClone(template);
  Object.assign(o.metadata, { namespace, name, uid: rec.newUid(), creationTimestamp: iso(at) });
  return o;
}

function newPod(i: Installation, rec: Recorder, at: number, n: number): Json {
  const pod = named(templates.pod, i.namespace, `${i.name}-${i.hash}-p${n}`, rec, at);
  pod.metadata.labels = { ...pod.metadata.labels, app: 'mattermost', [installationLabel]: i.name, 'pod-template-hash': i.hash };
  pod.metadata.ownerReferences[0].name = `${i.name}-${i.hash}`;
  pod.spec.containers[0].image = `mattermost/mattermost-enterprise-edition:${i.version}`;
  pod.spec.nodeName = `node-${n % 7}`;
  running(pod, at, 0);
  return pod;
}

function conditions(pod: Json, ready: boolean, at: number): void {
  for (const c of pod.status.conditions as Json[])
    if (c.type === 'Ready' || c.type === 'ContainersReady') {
      if ((c.status === 'True') !== ready) c.lastTransitionTime = iso(at);
      c.status = ready ? 'True' : 'False';
    }
}

function running(pod: Json, at: number, restarts: number): void {
  const s = pod.status.containerStatuses[0] as Json;
  s.state = { running: { startedAt: iso(at) } };
  s.ready = true;
  s.restartCount = restarts;
  s.image = pod.spec.containers[0].image;
  pod.status.phase = 'Running';
  conditions(pod, true, at);
}

function workloads(i: Installation, available: number): void {
  const replicas = i.pods.length;
  Object.assign(i.deployment.status, { replicas, readyReplicas: available, availableReplicas: available, updatedReplicas: replicas });
  i.deployment.status.unavailableReplicas = replicas - available || undefined;
  Object.assign(i.replicaSet.status, { replicas, readyReplicas: available, availableReplicas: available });
}

function install(rec: Recorder, index: number, at: number, replicas: number): Installation {
  const namespace = `bench-${index}`;
  const name = `mm-${index}`;
  const i = { namespace, name, hash: `${(0x5c000000 + index * 7919).toString(16)}`, version: '10.11.4' } as Installation;
  i.cr = named(templates.mattermost, namespace, name, rec, at);
  Object.assign(i.cr.spec, { replicas, version: i.version });
  i.deployment = named(templates.deployment, namespace, name, rec, at);
  i.deployment.metadata.labels = { ...i.deployment.metadata.labels, [installationLabel]: name };
  i.deployment.spec.replicas = replicas;
  i.replicaSet = named(templates.replicaSet, namespace, `${name}-${i.hash}`, rec, at);
  i.replicaSet.metadata.labels = { ...i.replicaSet.metadata.labels, [installationLabel]: name, 'pod-template-hash': i.hash };
  i.replicaSet.spec.replicas = replicas;
  i.pods = Array.from({ length: replicas }, (_, n) => newPod(i, rec, at, n));
  workloads(i, replicas);
  rec.emit(at, 'mattermosts', 'ADDED', i.cr);
  rec.emit(at, 'deployments', 'ADDED', i.deployment);
  rec.emit(at, 'replicasets', 'ADDED', i.replicaSet);
  for (const pod of i.pods) rec.emit(at, 'pods', 'ADDED', pod);
  return i;
}

/** A kubelet Warning event about a pod, aggregated as the kubelet does (one name, count grows). */
function warning(rec: Recorder, i: Installation, pod: Json, reason: string, message: string, at: number, count: number): void {
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod.metadata.name}.${reason.toLowerCase()}`, namespace: i.namespace, uid: rec.newUid(), creationTimestamp: iso(at) },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: i.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      fieldPath: 'spec.containers{mattermost}',
    },
    reason,
    message,
    source: { component: 'kubelet', host: pod.spec.nodeName },
    firstTimestamp: iso(at),
    lastTimestamp: iso(at),
    count,
    type: 'Warning',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: pod.spec.nodeName,
  };
  rec.emit(at, 'events', count === 1 ? 'ADDED' : 'MODIFIED', event);
}

/** A container that exits, waits in CrashLoopBackOff, runs again, `cycles` times; then it keeps running. */
function crashLoop(rec: Recorder, i: Installation, at: number, cycles: number, oom: boolean): number {
  const pod = i.pods[0]!;
  const s = pod.status.containerStatuses[0] as Json;
  let t = at;
  for (let c = 1; c <= cycles; c++) {
    const reason = oom ? 'OOMKilled' : 'Error';
    s.lastState = { terminated: { exitCode: oom ? 137 : 1, reason, startedAt: iso(t - 30_000), finishedAt: iso(t), containerID: `containerd://${c}` } };
    s.state = {
      waiting: { reason: 'CrashLoopBackOff', message: `back-off ${10 * 2 ** Math.min(c, 5)}s restarting failed container=mattermost pod=${pod.metadata.name}` },
    };
    s.ready = false;
    s.restartCount += 1;
    conditions(pod, false, t);
    rec.emit(t, 'pods', 'MODIFIED', pod);
    warning(rec, i, pod, 'BackOff', 'Back-off restarting failed container mattermost in pod', t, c);
    workloads(i, i.pods.length - 1);
    rec.emit(t + 50, 'deployments', 'MODIFIED', i.deployment);
    rec.emit(t + 60, 'replicasets', 'MODIFIED', i.replicaSet);
    t += 10_000 * 2 ** Math.min(c, 5);
    running(pod, t, s.restartCount as number);
    rec.emit(t, 'pods', 'MODIFIED', pod);
    workloads(i, i.pods.length);
    rec.emit(t + 50, 'deployments', 'MODIFIED', i.deployment);
    rec.emit(t + 60, 'replicasets', 'MODIFIED', i.replicaSet);
    t += 5_000;
  }
  return t;
}

/** A readiness probe that fails for a while: Unhealthy events, the pod not ready, then ready again. */
function readinessFlap(rec: Recorder, i: Installation, at: number, probes: number): number {
  const pod = i.pods[i.pods.length - 1]!;
  conditions(pod, false, at);
  (pod.status.containerStatuses[0] as Json).ready = false;
  rec.emit(at, 'pods', 'MODIFIED', pod);
  for (let p = 1; p <= probes; p++) warning(rec, i, pod, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', at + p * 10_000, p);
  const back = at + (probes + 1) * 10_000;
  running(pod, back, (pod.status.containerStatuses[0] as Json).restartCount as number);
  rec.emit(back, 'pods', 'MODIFIED', pod);
  return back + 1_000;
}

/** An upgrade the operator rolls out: CR reconciling, a new ReplicaSet, pods replaced one by one, stable. */
function rollout(rec: Recorder, i: Installation, at: number, version: string): number {
  let t = at;
  i.version = version;
  Object.assign(i.cr.spec, { version });
  i.cr.metadata.generation += 1;
  rec.emit(t, 'mattermosts', 'MODIFIED', i.cr);
  Object.assign(i.cr.status, { state: 'reconciling', observedGeneration: i.cr.metadata.generation });
  rec.emit((t += 200), 'mattermosts', 'MODIFIED', i.cr);
  const old = i.replicaSet;
  i.hash = (parseInt(i.hash, 16) + 1).toString(16);
  i.replicaSet = named(old, i.namespace, `${i.name}-${i.hash}`, rec, t);
  i.replicaSet.metadata.labels['pod-template-hash'] = i.hash;
  rec.emit((t += 100), 'replicasets', 'ADDED', i.replicaSet);
  const olds = i.pods;
  i.pods = [];
  for (const [n, gone] of olds.entries()) {
    const pod = newPod(i, rec, (t += 500), n);
    Object.assign(pod.status, { phase: 'Pending' });
    conditions(pod, false, t);
    rec.emit(t, 'pods', 'ADDED', pod);
    running(pod, (t += 8_000), 0);
    rec.emit(t, 'pods', 'MODIFIED', pod);
    i.pods.push(pod);
    gone.metadata.deletionTimestamp = iso(t);
    rec.emit((t += 100), 'pods', 'MODIFIED', gone);
    rec.emit((t += 30_000), 'pods', 'DELETED', gone);
    rec.emit((t += 50), 'deployments', 'MODIFIED', i.deployment);
  }
  rec.emit((t += 100), 'replicasets', 'DELETED', old);
  workloads(i, i.pods.length);
  rec.emit((t += 100), 'deployments', 'MODIFIED', i.deployment);
  Object.assign(i.cr.status, { state: 'stable', version, replicas: i.pods.length, updatedReplicas: i.pods.length });
  rec.emit((t += 1_000), 'mattermosts', 'MODIFIED', i.cr);
  return t;
}

/** Episodes one after another until `end`; which, and how long, from the PRNG. */
function live(rec: Recorder, i: Installation, random: () => number, end: number, start: number): void {
  let versions = 0;
  for (let t = start + random() * 120_000; t < end; t += 20_000 + random() * 180_000) {
    const pick = random();
    if (pick < 0.35) t = crashLoop(rec, i, t, 1 + Math.floor(random() * 6), false);
    else if (pick < 0.5) t = crashLoop(rec, i, t, 1 + Math.floor(random() * 2), true);
    else if (pick < 0.85) t = readinessFlap(rec, i, t, 1 + Math.floor(random() * 8));
    else t = rollout(rec, i, t, `10.11.${5 + versions++}`);
  }
}

/** `installations` living for `minutes` from `start`, lines in the order they came (by time, stable). */
export function recordStream(installations: number, minutes: number, start: number): StreamLine[] {
  const rec = new Recorder();
  const random = prng(12);
  const all = Array.from({ length: installations }, (_, n) => install(rec, n, start, 2 + (n % 4)));
  for (const i of all) live(rec, i, random, start + minutes * 60_000, start + 1_000);
  return rec.lines
    .map((l, n) => ({ l, n }))
    .sort((a, b) => a.l.at - b.l.at || a.n - b.n)
    .map(({ l }) => l);
}
