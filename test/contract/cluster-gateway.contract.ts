/**
 * The ClusterGateway contract. The fake (unit tier) and the client-node adapter against the sandbox
 * (cluster tier) both run it, so a fake that drifts from the real apiserver fails here.
 */
import { describe, expect, it } from 'vitest';
import { MatteropsError } from '../../src/core/errors.ts';
import { toInstallation, type Installation } from '../../src/core/model/installation.ts';
import { kinds } from '../../src/core/model/resource.ts';
import type { ClusterGateway, WriteOptions } from '../../src/core/ports/cluster-gateway.ts';
import type { RecordedEvent } from '../support/record-event.ts';

const cr = (namespace: string, name: string) => ({ resource: kinds.mattermost, namespace, name });
/** A merge patch of the Mattermost CR through the generic write, as the installation it leaves. */
async function patchCR(gateway: ClusterGateway, namespace: string, name: string, patch: Record<string, unknown>, options: WriteOptions): Promise<Installation> {
  return toInstallation((await gateway.write({ ...cr(namespace, name), action: { kind: 'patch', patch } }, options))?.object);
}

export interface ContractSubject {
  gateway: ClusterGateway;
  /** A gateway whose apiserver cannot be reached. */
  unreachable: ClusterGateway;
  /** An installation that exists and is stable: name, namespace, replicas, version. */
  seeded: { namespace: string; name: string; replicas: number; version: string };
  /**
   * Makes a Job whose pod cannot start, its env naming a Secret that does not exist (for the real
   * apiserver: as admin, the sandbox's runner-pod harness standing in for kubelet).
   */
  jobWaitingForSecret: () => Promise<{ namespace: string; job: string; secret: string }>;
  /** Records an Event in the cluster, as a kubelet would (for the real apiserver: as admin). */
  recordEvent: (event: RecordedEvent) => Promise<void>;
  /** Another cluster of the same directory (for the real apiserver: another context), with an installation of its own. */
  sibling: { gateway: ClusterGateway; seeded: { namespace: string; name: string } };
}

/** Polls until `probe` gives a value (the operator works on its own time). */
async function eventually<T>(probe: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Calls `read` until `done` says its value will do (the node works on its own time). */
async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    const value = await read();
    if (done(value)) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

const stateOf = (i: Installation): string => JSON.stringify({ generation: i.generation, spec: i.spec, status: i.status });

async function rejection(promise: Promise<unknown>): Promise<MatteropsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MatteropsError);
    return error as MatteropsError;
  }
  throw new Error('expected a rejection');
}

export function clusterGatewayContract(label: string, subject: () => ContractSubject): void {
  describe(`ClusterGateway contract: ${label}`, () => {
    it('lists the installation in its namespace and across namespaces, with spec and status', async () => {
      const { gateway, seeded } = subject();
      const inNamespace = await gateway.listInstallations(seeded.namespace);
      expect(inNamespace.map((i) => i.name)).toEqual([seeded.name]);
      const found = inNamespace[0]!;
      expect(found.spec.replicas).toBe(seeded.replicas);
      expect(found.spec.version).toBe(seeded.version);
      expect(found.status.state).toBe('stable');
      expect(found.status.observedGeneration).toBeGreaterThanOrEqual(found.generation);
      expect(found.resourceVersion).not.toBe('');
      expect(found.createdAt).toBeInstanceOf(Date);
      const everywhere = await gateway.listInstallations();
      expect(everywhere.some((i) => i.namespace === seeded.namespace && i.name === seeded.name)).toBe(true);
    });

    it('gets one installation by name, and undefined for a name that does not exist', async () => {
      const { gateway, seeded } = subject();
      expect((await gateway.getInstallation(seeded.namespace, seeded.name))?.name).toBe(seeded.name);
      expect(await gateway.getInstallation(seeded.namespace, 'no-such-installation')).toBeUndefined();
    });

    it('lists exactly the pods of the installation, running and ready, with their node', async () => {
      const { gateway, seeded } = subject();
      const pods = await gateway.listPods(seeded.namespace, seeded.name);
      expect(pods.filter((p) => !p.terminating)).toHaveLength(seeded.replicas);
      for (const pod of pods.filter((p) => !p.terminating)) {
        expect(pod.name.startsWith(`${seeded.name}-`)).toBe(true);
        expect(pod).toMatchObject({ phase: 'Running', ready: true });
        expect(pod.node).toBeTruthy();
        expect(pod.image).toBe(`mattermost/mattermost-enterprise-edition:${seeded.version}`);
      }
      expect(await gateway.listPods(seeded.namespace, 'no-such-installation')).toEqual([]);
    });

    it('says where the app container takes its environment from, never the value: the database DSN from its Secret', async () => {
      const { gateway, seeded } = subject();
      const secret = (await gateway.getInstallation(seeded.namespace, seeded.name))?.spec.databaseSecret;
      expect(secret).toBeTruthy();
      const fromSecret = { kind: 'secret', name: secret, key: 'DB_CONNECTION_STRING' };
      for (const pod of (await gateway.listPods(seeded.namespace, seeded.name)).filter((p) => !p.terminating)) {
        // The operator mounts the Secret's DSN as both (mattermost.md A.4); a restore relies on the second.
        expect(pod.envSources.MM_CONFIG).toEqual(fromSecret);
        expect(pod.envSources.MM_SQLSETTINGS_DATASOURCE).toEqual(fromSecret);
        expect(JSON.stringify(pod.envSources)).not.toMatch(/postgres:/);
      }
    });

    it("says why a Job's pod waits to start, in the node's words", async () => {
      const { gateway, jobWaitingForSecret } = subject();
      const { namespace, job, secret } = await jobWaitingForSecret();
      const waiting = await poll(
        () => gateway.jobPodsWaiting(namespace, job),
        (w) => w.length > 0,
        `the pod of Job ${job} waiting`,
      );
      expect(waiting).toEqual([
        { pod: expect.stringMatching(new RegExp(`^${job}-`)), reason: 'CreateContainerConfigError', message: `secret "${secret}" not found` },
      ]);
      expect(await gateway.jobPodsWaiting(namespace, 'no-such-job')).toEqual([]);
    });

    it('returns only events that concern the installation', async () => {
      const { gateway, seeded } = subject();
      const events = await gateway.listEvents(seeded.namespace, seeded.name);
      for (const e of events)
        expect(e.objectName === seeded.name || e.objectName.startsWith(`${seeded.name}-`) || e.objectName.startsWith('mattermost-update-check')).toBe(true);
    });

    it("lists the installation's Warning events seen since the instant asked, not its Normal ones nor another's", async () => {
      const { gateway, seeded, recordEvent } = subject();
      const { namespace, name } = seeded;
      const mark = `contract-${Date.now().toString(36)}`;
      const now = Date.now();
      const event = (type: 'Warning' | 'Normal', objectName: string, reason: string, minutesAgo: number): RecordedEvent => ({
        namespace,
        type,
        objectKind: 'Pod',
        objectName,
        reason,
        message: mark,
        lastSeen: new Date(Math.floor((now - minutesAgo * 60_000) / 1000) * 1000),
      });
      await recordEvent(event('Warning', `${name}-pod-a`, 'Fresh', 1));
      await recordEvent(event('Warning', `${name}-pod-b`, 'Older', 30));
      await recordEvent(event('Normal', `${name}-pod-a`, 'Pulled', 1));
      await recordEvent(event('Warning', `other${name}-x`, 'NotOurs', 1));
      const reasons = async (minutesAgo: number): Promise<string[]> =>
        (await gateway.listWarnings(namespace, name, new Date(now - minutesAgo * 60_000)))
          .filter((e) => e.message === mark)
          .map((e) => e.reason)
          .sort();
      expect(await reasons(60)).toEqual(['Fresh', 'Older']);
      expect(await reasons(10)).toEqual(['Fresh']);
      const fresh = (await gateway.listWarnings(namespace, name, new Date(now - 10 * 60_000))).find((e) => e.message === mark);
      expect(fresh).toMatchObject({ type: 'Warning', objectKind: 'Pod', objectName: `${name}-pod-a`, count: 1 });
      expect(fresh?.lastSeen?.getTime()).toBe(Math.floor((now - 60_000) / 1000) * 1000);
    });

    it('reports a missing pod log as not_found', async () => {
      const { gateway, seeded } = subject();
      const error = await rejection(gateway.readLog(seeded.namespace, { pod: 'no-such-pod', tailLines: 10, previous: false }));
      expect(error.code).toBe('not_found');
    });

    it('writes nothing in a dry run: patch, create and delete (regression: a dry-run delete once deleted)', async () => {
      const { gateway, seeded } = subject();
      const before = await gateway.getInstallation(seeded.namespace, seeded.name);
      const patched = await patchCR(gateway, seeded.namespace, seeded.name, { spec: { replicas: seeded.replicas + 3 } }, { dryRun: true });
      expect(patched.spec.replicas).toBe(seeded.replicas + 3);
      expect(patched.generation).toBe((before?.generation ?? 0) + 1);
      expect(
        await gateway.write(
          { ...cr(seeded.namespace, seeded.name), action: { kind: 'delete' } },
          { dryRun: true, resourceVersion: before?.resourceVersion ?? '' },
        ),
      ).toBeUndefined();
      const body = {
        apiVersion: 'installation.mattermost.com/v1beta1',
        kind: 'Mattermost',
        metadata: { name: 'dry-run-only' },
        spec: { ingress: { enabled: false } },
      };
      const created = await gateway.write({ ...cr(seeded.namespace, 'dry-run-only'), action: { kind: 'create', body } }, { dryRun: true });
      expect(toInstallation(created?.object).name).toBe('dry-run-only');
      const after = await gateway.getInstallation(seeded.namespace, seeded.name);
      expect(after?.resourceVersion).toBe(before?.resourceVersion);
      expect(await gateway.getInstallation(seeded.namespace, 'dry-run-only')).toBeUndefined();
    });

    it('refuses a write whose resourceVersion precondition is stale, as a conflict', async () => {
      const { gateway, seeded } = subject();
      const error = await rejection(patchCR(gateway, seeded.namespace, seeded.name, { spec: { replicas: seeded.replicas } }, { resourceVersion: '1' }));
      expect(error.code).toBe('conflict');
    });

    it('writes other kinds too: a ConfigMap created (dry run first), refused when stale, deleted', async () => {
      const { gateway, seeded } = subject();
      const name = `contract-${Date.now().toString(36)}`;
      const configMap = { resource: kinds.configMap, namespace: seeded.namespace, name };
      const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: seeded.namespace }, data: { note: 'from the contract' } };
      await gateway.write({ ...configMap, action: { kind: 'create', body } }, { dryRun: true });
      const gone = await rejection(gateway.write({ ...configMap, action: { kind: 'delete' } }, {}));
      expect(gone.code).toBe('not_found'); // the dry run stored nothing
      const created = await gateway.write({ ...configMap, action: { kind: 'create', body } }, {});
      expect(created?.resourceVersion).toMatch(/^\d+$/);
      expect((await rejection(gateway.write({ ...configMap, action: { kind: 'create', body } }, {}))).code).toBe('conflict');
      expect((await rejection(gateway.write({ ...configMap, action: { kind: 'delete' } }, { resourceVersion: '1' }))).code).toBe('conflict');
      await gateway.write({ ...configMap, action: { kind: 'delete' } }, { resourceVersion: created?.resourceVersion ?? '' });
      expect((await rejection(gateway.write({ ...configMap, action: { kind: 'delete' } }, {}))).code).toBe('not_found');
    });

    it('reads the key names of a secret, and undefined for a missing one', async () => {
      const { gateway, seeded } = subject();
      expect(await gateway.secretKeys(seeded.namespace, `${seeded.name}-db`)).toEqual(['DB_CONNECTION_STRING']);
      expect(await gateway.secretKeys(seeded.namespace, 'no-such-secret')).toBeUndefined();
    });

    it('gives different objects different resourceVersions, also across the clusters of one directory', async () => {
      const { gateway, sibling } = subject();
      const seen = new Map<string, string>();
      for (const i of [...(await gateway.listInstallations()), ...(await sibling.gateway.listInstallations())]) {
        const object = `${i.namespace}/${i.name}`;
        expect(seen.get(i.resourceVersion) ?? object, `resourceVersion ${i.resourceVersion}`).toBe(object);
        seen.set(i.resourceVersion, object);
      }
      expect([...seen.values()]).toContain(`${sibling.seeded.namespace}/${sibling.seeded.name}`);
    });

    it('gives every state of an object its own resourceVersion: the write, and the operator status write after it', async () => {
      const { gateway, seeded } = subject();
      const watched: Installation[] = [];
      const subscription = gateway.watchInstallation(seeded.namespace, seeded.name, (i) => {
        if (i) watched.push(i);
      });
      try {
        const before = await gateway.getInstallation(seeded.namespace, seeded.name);
        // An ingress annotation: a spec change the operator reconciles without replacing any pod.
        const written = await patchCR(
          gateway,
          seeded.namespace,
          seeded.name,
          { spec: { ingress: { annotations: { 'matterops.io/contract': String(Date.now()) } } } },
          { resourceVersion: before?.resourceVersion ?? '' },
        );
        expect(written.resourceVersion).not.toBe(before?.resourceVersion);
        // What the write returns is the object as written: the operator has not seen it yet.
        expect(written.status.observedGeneration ?? 0).toBeLessThan(written.generation);
        const reconciled = await eventually(
          () => watched.find((i) => (i.status.observedGeneration ?? 0) >= written.generation && i.status.state === 'stable'),
          'the operator to report the new generation stable',
        );
        expect(reconciled.resourceVersion).not.toBe(written.resourceVersion);
        const states = new Map<string, string>();
        for (const i of [...(before ? [before] : []), written, ...watched]) {
          expect(states.get(i.resourceVersion) ?? stateOf(i), `state at resourceVersion ${i.resourceVersion}`).toBe(stateOf(i));
          states.set(i.resourceVersion, stateOf(i));
        }
      } finally {
        subscription.stop();
      }
    });

    it('says who it acts as', async () => {
      const identity = await subject().gateway.whoAmI();
      expect(identity.username).toBe('matterops');
      expect(identity.groups).toContain('matterops');
    });

    it('names the context and URL when the cluster cannot be reached', async () => {
      const { unreachable } = subject();
      const error = await rejection(unreachable.listInstallations());
      expect(error.code).toBe('unavailable');
      expect(error.message).toContain(unreachable.context);
      expect(error.message).toContain(unreachable.server);
    });
  });
}
