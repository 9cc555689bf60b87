/**
 * The LockManager port over coordination.k8s.io Leases: one Lease per installation, in its
 * namespace, renewed while the operation is followed. A holder that stops renewing (it died) loses
 * the lock after `durationSeconds`; its in-flight record stays on the Lease for whoever resumes it.
 */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { InFlightRecordSchema } from '../../core/change/in-flight.ts';
import { MatteropsError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { AcquireResult, FoundLock, HeldLock, InstallationRef, LockHolder, LockManager } from '../../core/ports/lock-manager.ts';
import { isNotFound, toMatteropsError } from './kube-errors.ts';
import { leaseResource, microTime, type LeaseObject } from './lease-object.ts';

const lockLabel = 'matterops.io/lock';
const recordAnnotation = 'matterops.io/in-flight';
export const leaseName = (installation: string): string => `matterops-lock-${installation}`;

export interface LeaseLockOptions { durationSeconds: number; clock: Clock }

/** The Lease a lock is (exported for the benchmark's raw baseline, which sends the same). */
export function toLease(target: InstallationRef, holder: LockHolder, now: Date, durationSeconds: number): LeaseObject & { apiVersion: string; kind: string } {
  return {
    metadata: {
      name: leaseName(target.name), namespace: target.namespace,
      labels: { [lockLabel]: 'true', 'matterops.io/installation': target.name },
      annotations: { [recordAnnotation]: JSON.stringify(holder.record) },
    },
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    spec: { holderIdentity: holder.operationId, leaseDurationSeconds: durationSeconds, acquireTime: microTime(now), renewTime: microTime(now) },
  };
}

function holderOf(lease: LeaseObject): LockHolder {
  const record = InFlightRecordSchema.parse(JSON.parse(lease.metadata?.annotations?.[recordAnnotation] ?? '{}'));
  return { operationId: lease.spec?.holderIdentity ?? '', verb: record.verb, requester: record.requester, startedAt: new Date(record.startedAt), record };
}

function isExpired(lease: LeaseObject, now: Date): boolean {
  const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
  return renewed + (lease.spec?.leaseDurationSeconds ?? 0) * 1000 < now.getTime();
}

export function createLeaseLockManager(kc: KubeConfig, context: string, options: LeaseLockOptions): LockManager {
  const api = kc.makeApiClient(CustomObjectsApi);
  const where = { context, server: kc.getCurrentCluster()?.server ?? '' };
  const read = async (t: InstallationRef): Promise<LeaseObject> =>
    await api.getNamespacedCustomObject({ ...leaseResource, namespace: t.namespace, name: leaseName(t.name) }) as LeaseObject;
  const replace = (t: InstallationRef, body: LeaseObject): Promise<unknown> =>
    api.replaceNamespacedCustomObject({ ...leaseResource, namespace: t.namespace, name: leaseName(t.name), body });

  async function takeOver(target: InstallationRef, holder: LockHolder, now: Date): Promise<AcquireResult> {
    const existing = await read(target);
    if (!isExpired(existing, now)) return { ok: false, holder: holderOf(existing) };
    const replacement = toLease(target, holder, now, options.durationSeconds);
    replacement.metadata = { ...replacement.metadata, resourceVersion: existing.metadata?.resourceVersion };
    await replace(target, replacement);
    return { ok: true, lock: { target, holder } };
  }

  return {
    async acquire(target, holder) {
      const now = options.clock.now();
      try {
        await api.createNamespacedCustomObject({ ...leaseResource, namespace: target.namespace, body: toLease(target, holder, now, options.durationSeconds) });
        return { ok: true, lock: { target, holder } };
      } catch (error) {
        if ((error as { code?: number }).code !== 409) throw toMatteropsError(error, where);
      }
      try {
        return await takeOver(target, holder, now);
      } catch (error) {
        // Lost a race for an expired lock: whoever won holds it now.
        if ((error as { code?: number }).code === 409) return { ok: false, holder: holderOf(await read(target)) };
        throw toMatteropsError(error, where);
      }
    },
    async renew(lock: HeldLock) {
      const lease = await read(lock.target).catch((e: unknown) => { throw toMatteropsError(e, where); });
      if (lease.spec?.holderIdentity !== lock.holder.operationId) {
        throw new MatteropsError('conflict', `the lock on ${lock.target.namespace}/${lock.target.name} was taken over by another operation`);
      }
      lease.spec = { ...lease.spec, renewTime: microTime(options.clock.now()) };
      await replace(lock.target, lease)
        .catch((e: unknown) => { throw toMatteropsError(e, where); });
    },
    async release(lock: HeldLock) {
      // The precondition keeps us from deleting a lock someone took over; a 409 only means the
      // Lease moved between read and delete (a late renewal), so read again.
      for (let attempt = 0; ; attempt++) {
        try {
          const lease = await read(lock.target);
          if (lease.spec?.holderIdentity !== lock.holder.operationId) return;
          await api.deleteNamespacedCustomObject({ ...leaseResource, namespace: lock.target.namespace, name: leaseName(lock.target.name),
            body: { preconditions: { resourceVersion: lease.metadata?.resourceVersion } } });
          return;
        } catch (error) {
          if (isNotFound(error)) return;
          if ((error as { code?: number }).code !== 409 || attempt >= 3) throw toMatteropsError(error, where);
        }
      }
    },
    async list(): Promise<FoundLock[]> {
      const now = options.clock.now();
      const found = await api.listClusterCustomObject({ ...leaseResource, labelSelector: `${lockLabel}=true` })
        .catch((e: unknown) => { throw toMatteropsError(e, where); }) as { items: LeaseObject[] };
      return found.items.map((lease) => {
        const holder = holderOf(lease);
        return { target: { cluster: context, namespace: lease.metadata?.namespace ?? '', name: holder.record.name }, holder, expired: isExpired(lease, now) };
      });
    },
  };
}
