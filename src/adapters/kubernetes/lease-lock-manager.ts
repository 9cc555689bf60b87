/**
 * The LockManager port over coordination.k8s.io Leases: one Lease per installation, all in the
 * state namespace (lock-lease.ts), renewed while the operation is followed. A holder that stops
 * renewing (it died) loses the lock once its Lease has stood still for `durationSeconds` as this
 * process saw it (lease-observer.ts); its signed in-flight record stays on the Lease for whoever
 * resumes it. Leases whose record does not verify are never offered for resuming.
 */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { MatteropsError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { AcquireResult, FoundLock, HeldLock, InstallationRef, LockHolder, LockManager } from '../../core/ports/lock-manager.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { Signer } from '../../core/ports/signer.ts';
import { isNotFound, toMatteropsError } from './kube-errors.ts';
import { leaseResource, microTime, type LeaseObject } from './lease-object.ts';
import { createLeaseObserver } from './lease-observer.ts';
import { lockLabel, lockLeaseName, readHolder, toLease, unverifiedHolder, type LockLeaseSettings } from './lock-lease.ts';

export interface LeaseLockOptions {
  /** The state namespace: where this cluster's lock Leases live. */
  namespace: string;
  durationSeconds: number;
  clock: Clock;
  /** Signs and verifies in-flight records (the bot's signing key). */
  signer: Signer;
  logger: Logger;
}

const codeOf = (error: unknown): number | undefined => (error as { code?: number }).code;

export function createLeaseLockManager(kc: KubeConfig, context: string, options: LeaseLockOptions): LockManager {
  const api = kc.makeApiClient(CustomObjectsApi);
  const where = { context, server: kc.getCurrentCluster()?.server ?? '' };
  const settings: LockLeaseSettings = { namespace: options.namespace, durationSeconds: options.durationSeconds, signer: options.signer };
  const observer = createLeaseObserver(() => options.clock.now().getTime());
  const ref = (t: InstallationRef) => ({ ...leaseResource, namespace: options.namespace, name: lockLeaseName(t.namespace, t.name) });
  const read = async (t: InstallationRef): Promise<LeaseObject> => await api.getNamespacedCustomObject(ref(t)) as LeaseObject;
  const wrote = (lease: unknown): void => observer.wrote(lease as LeaseObject);
  const replace = async (t: InstallationRef, body: LeaseObject): Promise<void> => wrote(await api.replaceNamespacedCustomObject({ ...ref(t), body }));
  const expired = (lease: LeaseObject): boolean => observer.expired(lease, options.durationSeconds);
  /** Who holds a Lease, for telling the next requester: a record we cannot trust names nobody. */
  const holderFor = (lease: LeaseObject, target: InstallationRef): LockHolder => {
    const read = readHolder(settings, lease, context);
    return read.ok ? read.holder : unverifiedHolder(lease, target, options.clock.now());
  };

  async function takeOver(target: InstallationRef, holder: LockHolder, now: Date): Promise<AcquireResult> {
    const existing = await read(target);
    if (!expired(existing)) return { ok: false, holder: holderFor(existing, target) };
    const replacement = toLease(settings, target, holder, now);
    replacement.metadata = { ...replacement.metadata, resourceVersion: existing.metadata?.resourceVersion };
    await replace(target, replacement);
    return { ok: true, lock: { target, holder } };
  }

  /** Skips a Lease resume must not trust, saying why once per version of it. */
  const warned = new Map<string, string>();
  function skip(lease: LeaseObject, why: { reason: string; foreign?: boolean }): undefined {
    const key = lease.metadata?.name ?? '';
    if (warned.get(key) === lease.metadata?.resourceVersion) return undefined;
    warned.set(key, lease.metadata?.resourceVersion ?? '');
    const fields = { cluster: context, lease: `${options.namespace}/${key}`, reason: why.reason };
    if (why.foreign) options.logger.info(fields, 'a lock Lease belongs to another context of this cluster; it is resumed through that one');
    else options.logger.warn(fields, 'a lock Lease is not resumed: matterops did not write it (or not with this signing key)');
    return undefined;
  }

  return {
    async acquire(target, holder) {
      const now = options.clock.now();
      try {
        wrote(await api.createNamespacedCustomObject({ ...leaseResource, namespace: options.namespace, body: toLease(settings, target, holder, now) }));
        return { ok: true, lock: { target, holder } };
      } catch (error) {
        if (codeOf(error) !== 409) throw toMatteropsError(error, where);
      }
      try {
        return await takeOver(target, holder, now);
      } catch (error) {
        // Lost a race for an expired lock: whoever won holds it now.
        if (codeOf(error) === 409) return { ok: false, holder: holderFor(await read(target), target) };
        throw toMatteropsError(error, where);
      }
    },
    async renew(lock: HeldLock) {
      const lease = await read(lock.target).catch((e: unknown) => { throw toMatteropsError(e, where); });
      if (lease.spec?.holderIdentity !== lock.holder.operationId) {
        throw new MatteropsError('conflict', `the lock on ${lock.target.namespace}/${lock.target.name} was taken over by another operation`);
      }
      lease.spec = { ...lease.spec, renewTime: microTime(options.clock.now()) };
      await replace(lock.target, lease).catch((e: unknown) => { throw toMatteropsError(e, where); });
    },
    async release(lock: HeldLock) {
      // The precondition keeps us from deleting a lock someone took over; a 409 only means the
      // Lease moved between read and delete (a late renewal), so read again.
      for (let attempt = 0; ; attempt++) {
        try {
          const lease = await read(lock.target);
          if (lease.spec?.holderIdentity !== lock.holder.operationId) return;
          await api.deleteNamespacedCustomObject({ ...ref(lock.target), body: { preconditions: { resourceVersion: lease.metadata?.resourceVersion } } });
          return;
        } catch (error) {
          if (isNotFound(error)) return;
          if (codeOf(error) !== 409 || attempt >= 3) throw toMatteropsError(error, where);
        }
      }
    },
    async list(): Promise<FoundLock[]> {
      const found = await api.listNamespacedCustomObject({ ...leaseResource, namespace: options.namespace, labelSelector: `${lockLabel}=true` })
        .catch((e: unknown) => { throw toMatteropsError(e, where); }) as { items: LeaseObject[] };
      observer.keepOnly(options.namespace, found.items);
      const present = new Set(found.items.map((l) => l.metadata?.name ?? ''));
      for (const name of warned.keys()) if (!present.has(name)) warned.delete(name);
      return found.items.flatMap((lease) => {
        const read = readHolder(settings, lease, context);
        if (!read.ok) return skip(lease, read) ?? [];
        const { record } = read.holder;
        return [{ target: { cluster: context, namespace: record.namespace, name: record.name }, holder: read.holder, expired: expired(lease) }];
      });
    },
  };
}
