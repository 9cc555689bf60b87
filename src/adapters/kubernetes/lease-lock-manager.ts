/**
 * The LockManager port over coordination.k8s.io Leases: one Lease per installation, all in the
 * state namespace (lock-lease.ts), renewed while the operation is followed. A holder that stops
 * renewing (it died) loses the lock once its Lease has stood still for `durationSeconds` as this
 * process saw it (lease-observer.ts); its signed in-flight record stays on the Lease for whoever
 * resumes it. Leases whose record does not verify are never offered for resuming.
 *
 * Each acquire holds the Lease under a token of its own (its holderIdentity), and renew and
 * release compare against that token, never against the operation id alone: resume acquires the
 * lock of the same operation again, under a new token, and the process it took over from must see
 * that. A renewal whose replace meets a 409 reads the Lease again: a write of its own holder that
 * landed late (a renewal abandoned at its deadline, its PUT still under way) only moved the
 * resourceVersion, and the renewal is simply made again; only another holderIdentity is a takeover.
 *
 * Renew and release start from the Lease as this process last wrote it, not from a fresh read:
 * its resourceVersion is the precondition, so a Lease that anyone changed since (a takeover, a late
 * write of our own) answers 409, and only then is it read. A change that runs undisturbed makes one
 * call per renewal and one for the release.
 */
import { CustomObjectsApi, Observable, type KubeConfig, type ObservableMiddleware } from '@kubernetes/client-node';
import { MatteropsError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { InFlightRecord } from '../../core/model/in-flight-record.ts';
import type { InstallationRef } from '../../core/model/installation-ref.ts';
import type { AcquireResult, FoundLock, HeldLock, LockHolder, LockManager } from '../../core/ports/lock-manager.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { Signer } from '../../core/ports/signer.ts';
import { isNotFound, toMatteropsError } from './kube-errors.ts';
import { leaseResource, microTime, type LeaseObject } from './lease-object.ts';
import { createLeaseObserver } from './lease-observer.ts';
import { holderToken, lockLabel, lockLeaseName, readHolder, recordAnnotations, toLease, unverifiedHolder, type LockLeaseSettings } from './lock-lease.ts';

export interface LeaseLockOptions {
  /** The state namespace: where this cluster's lock Leases live. */
  namespace: string;
  durationSeconds: number;
  /** Only "now": expiry is judged by this process's own clock. */
  clock: Pick<Clock, 'now'>;
  /** Signs and verifies in-flight records (the bot's signing key). */
  signer: Signer;
  logger: Logger;
}

const codeOf = (error: unknown): number | undefined => (error as { code?: number }).code;

/** How often a renewal whose replace met a 409 reads the Lease and tries again. */
const renewAttempts = 3;

/**
 * Per-call options that make a request stop when `signal` aborts (as well as at the call deadline
 * the KubeConfig gives every request): an abandoned renewal's calls end with it.
 */
function stoppedBy(signal: AbortSignal | undefined): { middleware: ObservableMiddleware[]; middlewareMergeStrategy: 'append' } | undefined {
  if (!signal) return undefined;
  const pre: ObservableMiddleware['pre'] = (context) => {
    const own = context.getSignal();
    context.setSignal(own ? AbortSignal.any([own, signal]) : signal);
    return new Observable(Promise.resolve(context));
  };
  return { middleware: [{ pre, post: (response) => new Observable(Promise.resolve(response)) }], middlewareMergeStrategy: 'append' };
}

export function createLeaseLockManager(kc: KubeConfig, context: string, options: LeaseLockOptions): LockManager {
  const api = kc.makeApiClient(CustomObjectsApi);
  const where = { context, server: kc.getCurrentCluster()?.server ?? '' };
  const settings: LockLeaseSettings = { namespace: options.namespace, durationSeconds: options.durationSeconds, signer: options.signer };
  const observer = createLeaseObserver(() => options.clock.now().getTime());
  const ref = (t: InstallationRef) => ({ ...leaseResource, namespace: options.namespace, name: lockLeaseName(t.namespace, t.name) });
  const read = async (t: InstallationRef, signal?: AbortSignal): Promise<LeaseObject> =>
    (await api.getNamespacedCustomObject(ref(t), stoppedBy(signal))) as LeaseObject;
  /** The Lease as we last wrote it, by holder token: the starting point of the next renewal. */
  const lastWritten = new Map<string, LeaseObject>();
  const wrote = (lease: unknown): void => {
    const written = lease as LeaseObject;
    observer.wrote(written);
    const token = written.spec?.holderIdentity;
    // Without managedFields: a replace that omits them keeps them, and sending them back only
    // makes the apiserver compare them again.
    const metadata: Record<string, unknown> = { ...written.metadata };
    delete metadata.managedFields;
    if (token) lastWritten.set(token, { ...written, metadata });
  };
  const replace = async (t: InstallationRef, body: LeaseObject, signal?: AbortSignal): Promise<void> =>
    wrote(await api.replaceNamespacedCustomObject({ ...ref(t), body }, stoppedBy(signal)));
  /** Ours as last written, else as the apiserver has it now. */
  const startingPoint = async (lock: HeldLock, fresh: boolean, signal?: AbortSignal): Promise<LeaseObject> => {
    const own = fresh ? undefined : lastWritten.get(lock.token);
    if (own) return structuredClone(own);
    return await read(lock.target, signal).catch((e: unknown) => {
      throw toMatteropsError(e, where);
    });
  };
  const takenOver = (t: InstallationRef): MatteropsError =>
    new MatteropsError('conflict', `the lock on ${t.namespace}/${t.name} was taken over by another holder`);
  const expired = (lease: LeaseObject): boolean => observer.expired(lease, options.durationSeconds);
  /** Who holds a Lease, for telling the next requester: a record we cannot trust names nobody. */
  const holderFor = (lease: LeaseObject, target: InstallationRef): LockHolder => {
    const read = readHolder(settings, lease, context);
    return read.ok ? read.holder : unverifiedHolder(lease, target, options.clock.now());
  };

  async function takeOver(target: InstallationRef, holder: LockHolder, token: string, now: Date): Promise<AcquireResult> {
    const existing = await read(target);
    if (!expired(existing)) return { ok: false, holder: holderFor(existing, target) };
    const replacement = toLease(settings, target, { ...holder, token }, now);
    replacement.metadata = { ...replacement.metadata, resourceVersion: existing.metadata?.resourceVersion };
    await replace(target, replacement);
    return { ok: true, lock: { target, holder, token } };
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

  /** Moves renewTime to now, and seals a new record (the step the change has reached) onto the Lease, as at the acquire. */
  function renewed(lease: LeaseObject, lock: HeldLock, record: InFlightRecord | undefined): void {
    const now = options.clock.now();
    lease.spec = { ...lease.spec, renewTime: microTime(now) };
    if (!record) return;
    lease.metadata = { ...lease.metadata, annotations: { ...lease.metadata?.annotations, ...recordAnnotations(settings, lock.target, record) } };
  }

  return {
    async acquire(target, holder) {
      const now = options.clock.now();
      const token = holderToken(holder.operationId);
      try {
        wrote(
          await api.createNamespacedCustomObject({
            ...leaseResource,
            namespace: options.namespace,
            body: toLease(settings, target, { ...holder, token }, now),
          }),
        );
        return { ok: true, lock: { target, holder, token } };
      } catch (error) {
        if (codeOf(error) !== 409) throw toMatteropsError(error, where);
      }
      try {
        return await takeOver(target, holder, token, now);
      } catch (error) {
        // Lost a race for an expired lock: whoever won holds it now.
        if (codeOf(error) === 409) return { ok: false, holder: holderFor(await read(target), target) };
        throw toMatteropsError(error, where);
      }
    },
    async renew(lock: HeldLock, renewOptions = {}) {
      const { signal } = renewOptions;
      for (let attempt = 1; ; attempt++) {
        const lease = await startingPoint(lock, attempt > 1, signal);
        if (lease.spec?.holderIdentity !== lock.token) {
          lastWritten.delete(lock.token);
          throw takenOver(lock.target);
        }
        renewed(lease, lock, renewOptions.record);
        try {
          await replace(lock.target, lease, signal);
          return;
        } catch (error) {
          // The Lease moved between our read and our write: read it again to see who holds it.
          if (codeOf(error) !== 409) throw toMatteropsError(error, where);
          if (attempt > renewAttempts || signal?.aborted) {
            throw new MatteropsError(
              'unavailable',
              `the lock Lease of ${lock.target.namespace}/${lock.target.name} kept changing under its renewal`,
              'it is tried again at the next renewal',
            );
          }
        }
      }
    },
    async release(lock: HeldLock) {
      // The precondition keeps us from deleting a lock someone took over; a 409 only means the
      // Lease moved between read and delete (a late renewal), so read again.
      try {
        for (let attempt = 0; ; attempt++) {
          try {
            const lease = await startingPoint(lock, attempt > 0);
            if (lease.spec?.holderIdentity !== lock.token) return;
            await api.deleteNamespacedCustomObject({ ...ref(lock.target), body: { preconditions: { resourceVersion: lease.metadata?.resourceVersion } } });
            return;
          } catch (error) {
            if (isNotFound(error)) return;
            if (codeOf(error) !== 409 || attempt >= 3) throw toMatteropsError(error, where);
          }
        }
      } finally {
        lastWritten.delete(lock.token);
      }
    },
    async list(): Promise<FoundLock[]> {
      const found = (await api
        .listNamespacedCustomObject({ ...leaseResource, namespace: options.namespace, labelSelector: `${lockLabel}=true` })
        .catch((e: unknown) => {
          throw toMatteropsError(e, where);
        })) as { items: LeaseObject[] };
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
