/**
 * Lock Leases on the real apiserver (issue 9, item 15): resume trusts only in-flight records
 * matterops signed for the Lease that carries them, and goes on past any other; a lock's expiry is
 * judged by how long its Lease stood still as this process saw it, never by the holder's clock.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../src/adapters/crypto/hmac-signer.ts';
import { createLeaseLockManager } from '../../src/adapters/kubernetes/lease-lock-manager.ts';
import { lockLeaseName } from '../../src/adapters/kubernetes/lock-lease.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { InFlightRecord } from '../../src/core/model/in-flight-record.ts';
import { resumeInFlight } from '../../src/core/change/resume.ts';
import { systemClock, type Clock } from '../../src/core/ports/clock.ts';
import type { LockHolder } from '../../src/core/ports/lock-manager.ts';
import type { Logger } from '../../src/core/ports/logger.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { createApp } from '../../src/main.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';

const bot = kubeConfig('sandbox-bot');
const admin = kubeConfig().makeApiClient(CustomObjectsApi);
const leases = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' } as const;
const key = 'the signing key of this test bot, 32+ chars';
const hour = 3_600_000;
let namespace = '';
beforeAll(async () => {
  namespace = await testNamespace('locks');
});
// The untrusted Leases stay behind otherwise; nothing else lists this namespace, but leave it clean.
afterAll(async () => {
  const left = (await admin.listNamespacedCustomObject({ ...leases, namespace })) as { items: { metadata: { name: string } }[] };
  await Promise.all(left.items.map((l) => admin.deleteNamespacedCustomObject({ ...leases, namespace, name: l.metadata.name })));
});

const shifted = (ms: number): Clock => ({ ...systemClock, now: () => new Date(Date.now() + ms) });
const systemClockFor = (): Clock => shifted(0);
/** The lock manager of a bot whose clock is `skewMs` off, keeping locks in this file's namespace. */
const lockManager = (skewMs = 0, signingKey = key, durationSeconds = 2) =>
  createLeaseLockManager(bot, 'sandbox-bot', {
    namespace,
    durationSeconds,
    clock: shifted(skewMs),
    signer: createHmacSigner(signingKey),
    logger: silentLogger,
  });

function holder(operationId: string, name: string, extra: Partial<InFlightRecord> = {}): LockHolder {
  const now = new Date();
  const record: InFlightRecord = {
    operationId,
    verb: 'delete',
    requester: '@alice',
    via: 'terminal',
    cluster: 'sandbox-bot',
    namespace,
    name,
    steps: [{ kind: 'wait' as const, until: 'deleted' as const, namespace: namespace, name: name, generation: 1 }],
    step: 0,
    summary: `delete ${name}`,
    startedAt: now.toISOString(),
    deadline: new Date(now.getTime() + 60_000).toISOString(),
    ...extra,
  };
  return { operationId, verb: record.verb, requester: record.requester, startedAt: now, record };
}
const target = (name: string) => ({ cluster: 'sandbox-bot', namespace, name });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('lock expiry, judged by local observation', () => {
  it('takes over a dead holder whose clock ran an hour ahead, once its Lease stood still for its duration', async () => {
    const dead = lockManager(+hour);
    expect((await dead.acquire(target('ahead'), holder('ahead1', 'ahead'))).ok).toBe(true);
    const locks = lockManager();
    expect((await locks.list()).find((l) => l.target.name === 'ahead')?.expired).toBe(false);
    await sleep(2_600);
    expect((await locks.list()).find((l) => l.target.name === 'ahead')?.expired).toBe(true);
    const next = await locks.acquire(target('ahead'), holder('ahead2', 'ahead'));
    expect(next.ok).toBe(true);
    if (next.ok) await locks.release(next.lock);
  });

  it('leaves a live holder whose clock runs an hour behind alone while it renews', async () => {
    const live = lockManager(-hour);
    const held = await live.acquire(target('behind'), holder('behind1', 'behind'));
    if (!held.ok) throw new Error('the live holder did not get its lock');
    const locks = lockManager();
    for (let i = 0; i < 8; i++) {
      await live.renew(held.lock);
      expect((await locks.list()).find((l) => l.target.name === 'behind')?.expired).toBe(false);
      expect(await locks.acquire(target('behind'), holder(`behind-other${i}`, 'behind'))).toMatchObject({ ok: false, holder: { operationId: 'behind1' } });
      await sleep(500);
    }
    await live.release(held.lock);
  });
});

/**
 * A bot whose next Lease PUT is preceded by `beforePut` (awaited): another write lands between the
 * renewal's read and its replace, as a renewal abandoned at its deadline may still land late.
 */
function botWithWriteBefore(): { kc: ReturnType<typeof kubeConfig>; beforeNextPut: (write: () => Promise<void>) => void } {
  const kc = kubeConfig('sandbox-bot');
  let pending: (() => Promise<void>) | undefined;
  const apply = kc.applySecurityAuthentication.bind(kc);
  kc.applySecurityAuthentication = async (context) => {
    await apply(context);
    const write = pending;
    if (context.getHttpMethod() === 'PUT' && write) {
      pending = undefined;
      await write();
    }
  };
  return {
    kc,
    beforeNextPut: (write) => {
      pending = write;
    },
  };
}

/** Rewrites a lock Lease as admin: `holderIdentity` unchanged unless given, renewTime now. */
async function rewriteLease(name: string, holderIdentity?: string): Promise<void> {
  const ref = { ...leases, namespace, name: lockLeaseName(namespace, name) };
  const lease = (await admin.getNamespacedCustomObject(ref)) as { spec: Record<string, unknown> };
  lease.spec = { ...lease.spec, ...(holderIdentity ? { holderIdentity } : {}), renewTime: new Date().toISOString().replace(/Z$/, '000Z') };
  await admin.replaceNamespacedCustomObject({ ...ref, body: lease });
}

/** Deletes a lock Lease a test left (the resume test below lists this namespace). */
const forget = (name: string): Promise<unknown> =>
  admin.deleteNamespacedCustomObject({ ...leases, namespace, name: lockLeaseName(namespace, name) }).catch(() => undefined);

const holderOfLease = async (name: string): Promise<string> =>
  ((await admin.getNamespacedCustomObject({ ...leases, namespace, name: lockLeaseName(namespace, name) })) as { spec: { holderIdentity: string } }).spec
    .holderIdentity;

describe('a renewal that meets a moved Lease', () => {
  afterEach(async () => {
    await Promise.all(['late', 'taken'].map(forget));
  });
  it('a 409 from a late write of its own holder is renewed again, not reported as a takeover', async () => {
    const { kc, beforeNextPut } = botWithWriteBefore();
    const locks = createLeaseLockManager(kc, 'sandbox-bot', {
      namespace,
      durationSeconds: 30,
      clock: systemClockFor(),
      signer: createHmacSigner(key),
      logger: silentLogger,
    });
    const held = await locks.acquire(target('late'), holder('late1', 'late'));
    if (!held.ok) throw new Error('no lock');
    const identity = await holderOfLease('late');
    beforeNextPut(() => rewriteLease('late')); // the abandoned renewal's PUT lands now: same holder
    await locks.renew(held.lock);
    expect(await holderOfLease('late')).toBe(identity);
    await locks.release(held.lock);
    await expect(admin.getNamespacedCustomObject({ ...leases, namespace, name: lockLeaseName(namespace, 'late') })).rejects.toMatchObject({ code: 404 });
  });

  it('a renewal aborted at its deadline sends no write after it', async () => {
    const { kc, beforeNextPut } = botWithWriteBefore();
    const locks = createLeaseLockManager(kc, 'sandbox-bot', {
      namespace,
      durationSeconds: 30,
      clock: systemClockFor(),
      signer: createHmacSigner(key),
      logger: silentLogger,
    });
    const held = await locks.acquire(target('late'), holder('late2', 'late'));
    if (!held.ok) throw new Error('no lock');
    const version = async (): Promise<string> =>
      ((await admin.getNamespacedCustomObject({ ...leases, namespace, name: lockLeaseName(namespace, 'late') })) as { metadata: { resourceVersion: string } })
        .metadata.resourceVersion;
    const before = await version();
    const deadline = new AbortController();
    // The deadline passes after the renewal read the Lease, before its write went out.
    beforeNextPut(() => {
      deadline.abort(new DOMException('a lock renewal took longer than 5000 ms', 'TimeoutError'));
      return Promise.resolve();
    });
    await expect(locks.renew(held.lock, { signal: deadline.signal })).rejects.toMatchObject({ code: 'unavailable' });
    await sleep(300);
    expect(await version()).toBe(before);
    await locks.release(held.lock);
  });

  it('a 409 from another holder taking the Lease over is a takeover', async () => {
    const { kc, beforeNextPut } = botWithWriteBefore();
    const locks = createLeaseLockManager(kc, 'sandbox-bot', {
      namespace,
      durationSeconds: 30,
      clock: systemClockFor(),
      signer: createHmacSigner(key),
      logger: silentLogger,
    });
    const held = await locks.acquire(target('taken'), holder('taken1', 'taken'));
    if (!held.ok) throw new Error('no lock');
    beforeNextPut(() => rewriteLease('taken', 'someone-else'));
    await expect(locks.renew(held.lock)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('taken over') as unknown });
    await locks.release(held.lock);
    expect(await holderOfLease('taken')).toBe('someone-else'); // its release left the new holder's Lease alone
  });
});

describe('resume trusts only what matterops signed', () => {
  it('resumes the genuine record and skips forged, unsigned, garbled and moved ones, with a log line each', async () => {
    // Five Leases a dead bot (or someone else) left: only the first is what this bot wrote.
    const dead = lockManager();
    expect((await dead.acquire(target('gone'), holder('genuine1', 'gone'))).ok).toBe(true);
    expect((await lockManager(0, 'another key entirely, another bot').acquire(target('forged'), holder('forged1', 'forged'))).ok).toBe(true);
    const forgedHolder = await holderOfLease('forged'); // forged1's token
    const genuine = (await admin.getNamespacedCustomObject({ ...leases, namespace, name: lockLeaseName(namespace, 'gone') })) as {
      metadata: { annotations: Record<string, string>; labels: Record<string, string> };
    };
    const raw = (name: string, annotations: Record<string, string>, holderIdentity: string) =>
      admin.createNamespacedCustomObject({
        ...leases,
        namespace,
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: lockLeaseName(namespace, name), labels: genuine.metadata.labels, annotations },
          spec: { holderIdentity, leaseDurationSeconds: 2 },
        },
      });
    const { 'matterops.io/in-flight': json = '' } = genuine.metadata.annotations;
    await raw('unsigned', { 'matterops.io/in-flight': json.replaceAll('genuine1', 'unsigned1').replaceAll('"gone"', '"unsigned"') }, 'unsigned1');
    await raw('garbled', { 'matterops.io/in-flight': 'not json{', 'matterops.io/in-flight-signature': 'x' }, 'garbled1');
    await raw('moved', genuine.metadata.annotations, 'genuine1'); // a genuine record copied onto another Lease

    const warnings: string[] = [];
    const logger: Logger = {
      ...silentLogger,
      warn: (fields) => {
        warnings.push(String(fields.lease));
      },
      error: (fields, message) => {
        warnings.push(`error: ${message} ${JSON.stringify(fields)}`);
      },
    };
    const app = createApp(
      loadConfig({
        MATTEROPS_KUBECONFIG: env('KUBECONFIG'),
        MATTEROPS_KUBE_CONTEXT: 'sandbox-bot',
        MATTEROPS_STATE_NAMESPACE: namespace,
        MATTEROPS_LOCK_SECONDS: '2',
        MATTEROPS_SIGNING_KEY: key,
      }),
      { logger },
    );
    const gateway = app.clusters.get('sandbox-bot');
    if (!gateway) throw new Error('no gateway for sandbox-bot');
    const reports = await resumeInFlight(app.changeDeps, { cluster: 'sandbox-bot', gateway, waitMs: 5_000 }, () => undefined);

    expect(reports.map((r) => [r.record.operationId, r.record.name, r.reply.tone])).toEqual([['genuine1', 'gone', 'good']]);
    expect(warnings.filter((w) => w.startsWith('error'))).toEqual([]);
    expect(warnings.sort()).toEqual(['forged', 'garbled', 'moved', 'unsigned'].map((n) => `${namespace}/${lockLeaseName(namespace, n)}`));
    // The untrusted Leases were not taken over: their holders are as they were left.
    for (const [name, holderIdentity] of [
      ['forged', forgedHolder],
      ['unsigned', 'unsigned1'],
      ['garbled', 'garbled1'],
      ['moved', 'genuine1'],
    ]) {
      const lease = (await admin.getNamespacedCustomObject({ ...leases, namespace, name: lockLeaseName(namespace, name!) })) as {
        spec: { holderIdentity: string };
      };
      expect(lease.spec.holderIdentity).toBe(holderIdentity);
    }
    const audited = await app.changeDeps.audit('sandbox-bot').query({ namespace, since: new Date(Date.now() - 600_000) });
    expect(audited.filter((e) => e.phase === 'succeeded').map((e) => e.operationId)).toEqual(['genuine1']);
  }, 60_000);
});
