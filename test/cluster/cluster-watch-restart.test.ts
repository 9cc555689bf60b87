/**
 * ClusterWatch survives a kube-apiserver restart and a forced 410 Gone without losing or repeating
 * a change (issue 10, "How to know it is done"). The shared sandbox is never restarted: this file
 * runs a private etcd with two kube-apiservers on it, A (the one watched, stopped and started
 * again) and B (through which every write goes, so changes happen while A is down). For the 410,
 * etcd is compacted while A is down: A's watch cache starts after the compaction, and resuming
 * from the old resourceVersion (from the cache or from etcd) is refused with 410.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClusterWatch } from '../../src/adapters/kubernetes/cluster-watch.ts';
import { kinds } from '../../src/core/model/resource.ts';
import { type WatchEvent, type WatchLifecycle, type Watching } from '../../src/core/ports/cluster-watch.ts';
import { versions } from '../contract/cluster-watch.contract.ts';
import { allocateControlPlanePorts, startApiserver, startEtcd, waitApiserverReady, type ControlPlanePorts } from '../sandbox/control-plane.ts';
import { renderTokensCsv } from '../sandbox/kubeconfig.ts';
import { createPki, type Pki } from '../sandbox/pki.ts';
import { freePort } from '../sandbox/ports.ts';
import { stopProcess, type StartedProcess } from '../sandbox/processes.ts';
import { waitFor } from '../sandbox/wait.ts';

const namespace = 'watched';
const token = randomBytes(16).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'matterops-watch-restart-'));
const logsA = join(dir, 'logs-a');
const logsB = join(dir, 'logs-b');
let pki: Pki;
let tokensCsv = '';
let portsA: ControlPlanePorts;
let portsB: ControlPlanePorts;
const processes: { etcd?: StartedProcess; a?: StartedProcess; b?: StartedProcess } = {};
let writer: CoreV1Api;

function kubeConfigFor(port: number): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'private', server: `https://127.0.0.1:${port}`, caFile: pki.caCert }],
    users: [{ name: 'admin', token }],
    contexts: [{ name: 'private', cluster: 'private', user: 'admin' }],
    currentContext: 'private',
  });
  return kc;
}

async function startA(): Promise<void> {
  processes.a = startApiserver(logsA, portsA, pki, tokensCsv);
  await waitApiserverReady(portsA, pki, token, processes.a.log);
}

async function stopA(): Promise<void> {
  if (processes.a) await stopProcess(processes.a.pid);
  processes.a = undefined;
}

/** etcd's JSON gateway on its client URL: the current revision, then a physical compaction at it. */
async function compactEtcd(): Promise<number> {
  const etcd = `http://127.0.0.1:${portsA.etcd}`;
  const post = async (path: string, body: object): Promise<unknown> => {
    const response = await fetch(`${etcd}${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`etcd ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const range = (await post('/v3/kv/range', { key: Buffer.from('/registry').toString('base64') })) as { header: { revision: string } };
  const revision = Number(range.header.revision);
  await post('/v3/kv/compaction', { revision: String(revision), physical: true });
  return revision;
}

beforeAll(async () => {
  mkdirSync(logsA, { recursive: true });
  mkdirSync(logsB, { recursive: true });
  pki = createPki(dir);
  tokensCsv = join(dir, 'tokens.csv');
  writeFileSync(tokensCsv, renderTokensCsv([{ user: 'admin', token, groups: ['system:masters'], context: 'private' }]), { mode: 0o600 });
  portsA = await allocateControlPlanePorts();
  portsB = { ...portsA, apiserver: await freePort() };
  processes.etcd = startEtcd(dir, logsA, portsA);
  processes.b = startApiserver(logsB, portsB, pki, tokensCsv);
  await Promise.all([startA(), waitApiserverReady(portsB, pki, token, processes.b.log)]);
  writer = kubeConfigFor(portsB.apiserver).makeApiClient(CoreV1Api);
  await writer.createNamespace({ body: { metadata: { name: namespace } } });
}, 180_000);

afterAll(async () => {
  for (const p of [processes.a, processes.b, processes.etcd]) if (p) await stopProcess(p.pid);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Every write through B, as the change the handler should be told about. */
const written: string[] = [];

async function put(name: string, round: string): Promise<void> {
  const body = { metadata: { name, namespace }, data: { round } };
  const exists = await writer.readNamespacedConfigMap({ namespace, name }).then(
    () => true,
    () => false,
  );
  const stored = exists ? await writer.replaceNamespacedConfigMap({ namespace, name, body }) : await writer.createNamespacedConfigMap({ namespace, body });
  written.push(`${exists ? 'updated' : 'added'} ${name}@${stored.metadata?.resourceVersion ?? ''}`);
}

async function remove(name: string): Promise<void> {
  await writer.deleteNamespacedConfigMap({ namespace, name });
  written.push(`deleted ${name}`);
}

/** A delete carries no version the test can know (the last one seen, or the deletion's). */
const described = (e: WatchEvent): string =>
  e.type === 'deleted' ? `deleted ${e.object.metadata.name}` : `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`;

describe('a ClusterWatch on a private apiserver that restarts, and on an etcd that compacts', () => {
  it('sees every change once, in order where it watched live, through a restart and a forced 410', async () => {
    const seen: string[] = [];
    const notes: WatchLifecycle[] = [];
    const watch = createKubeClusterWatch(kubeConfigFor(portsA.apiserver), { backoff: { initialMs: 200, maxMs: 2_000 } });
    const watching: Watching = watch.watch({ resource: kinds.configMap, namespace, onLifecycle: (n) => notes.push(n) }, (e) => seen.push(described(e)));
    const caughtUp = (what: string): Promise<unknown> =>
      waitFor(() => seen.length >= written.length, { what, timeoutMs: 60_000, log: join(logsA, 'kube-apiserver.log') });
    try {
      await watching.synced;

      // Live: the handler sees exactly the writes, in their order.
      await put('a', '1');
      await put('b', '1');
      await put('c', '1');
      await put('a', '2');
      await remove('b');
      await put('d', '1');
      await caughtUp('the live changes');
      expect(seen).toEqual(written);

      // A restarts while changes happen (one per object, so a re-list can tell them all).
      await stopA();
      const beforeRestart = written.length;
      await put('c', '2');
      await remove('d');
      await put('e', '1');
      await startA();
      await caughtUp('the changes made while A was down');
      expect(seen.slice(beforeRestart).sort()).toEqual(written.slice(beforeRestart).sort());

      // A stops again; changes, then a compaction: the resume point is gone, so 410, re-list, differences.
      await stopA();
      const beforeCompaction = written.length;
      const relistsBefore = notes.filter((n) => n.kind === 'listed').length;
      await put('a', '3');
      await remove('c');
      await put('f', '1');
      await put('e', '2');
      await compactEtcd();
      await startA();
      await caughtUp('the changes made before the compaction');
      expect(seen.slice(beforeCompaction).sort()).toEqual(written.slice(beforeCompaction).sort());
      expect(notes.filter((n) => n.kind === 'listed').slice(relistsBefore)).toContainEqual(expect.objectContaining({ cause: 'gone' }));

      // Live again after all that.
      const afterAll = written.length;
      await put('f', '2');
      await put('g', '1');
      await caughtUp('the changes after the 410');
      expect(seen.slice(afterAll)).toEqual(written.slice(afterAll));

      // Nothing lost, nothing twice, and the cache is the cluster.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(seen).toHaveLength(written.length);
      expect(new Set(seen).size).toBe(seen.length);
      const truth = await writer.listNamespacedConfigMap({ namespace });
      expect(versions(watching.list())).toEqual(
        versions(truth.items.map((c) => ({ metadata: { name: c.metadata?.name ?? '', namespace, resourceVersion: c.metadata?.resourceVersion ?? '' } }))),
      );
      expect(notes.some((n) => n.kind === 'failed')).toBe(true);
    } finally {
      await watching.stop();
    }
  }, 240_000);
});
