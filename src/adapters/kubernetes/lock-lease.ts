/**
 * The Lease a per-installation lock is. Every lock of a cluster lives in matterops' state namespace
 * (so the bot needs Lease rights there only, deploy/rbac.yaml), named after the installation's
 * namespace and name; its annotation carries the signed in-flight record that `resume` trusts.
 *
 * Its holderIdentity is the token of one acquire, `<operationId>.<random>`, fresh each time: when
 * resume takes a lock over for the same operation, the process that held it before (only cut off
 * from the apiserver, perhaps) no longer matches it, so its renewals fail and its release deletes
 * nothing.
 */
import { randomBytes } from 'node:crypto';
import { openInFlight, sealInFlight, type RecordPlace } from '../../core/change/in-flight.ts';
import type { InFlightRecord } from '../../core/model/in-flight-record.ts';
import type { InstallationRef } from '../../core/model/installation-ref.ts';
import type { LockHolder } from '../../core/ports/lock-manager.ts';
import type { Signer } from '../../core/ports/signer.ts';
import { microTime, type LeaseObject } from './lease-object.ts';

export const lockLabel = 'matterops.io/lock';
const recordAnnotation = 'matterops.io/in-flight';
const signatureAnnotation = 'matterops.io/in-flight-signature';

/**
 * `matterops-lock-<namespace>.<name>`: a namespace is a DNS label (no dots), so the first dot
 * separates the two and no two installations share a Lease.
 */
export const lockLeaseName = (namespace: string, name: string): string => `matterops-lock-${namespace}.${name}`;

/** How this cluster's locks are written. */
export interface LockLeaseSettings {
  /** The state namespace, where every lock Lease of the cluster lives. */
  namespace: string;
  durationSeconds: number;
  signer: Signer;
}

/** A fresh holder token for one acquire of `operationId`'s lock. */
export const holderToken = (operationId: string): string => `${operationId}.${randomBytes(6).toString('hex')}`;

/** Whether a Lease's holderIdentity is a token of `operationId` (or, as older versions wrote it, the id itself). */
const heldBy = (identity: string | undefined, operationId: string): boolean => identity === operationId || (identity?.startsWith(`${operationId}.`) ?? false);

/** The annotations that carry a lock's in-flight record, sealed for its own Lease. */
export function recordAnnotations(s: LockLeaseSettings, target: InstallationRef, record: InFlightRecord): Record<string, string> {
  const sealed = sealInFlight(s.signer, { namespace: s.namespace, name: lockLeaseName(target.namespace, target.name) }, record);
  return { [recordAnnotation]: sealed.json, [signatureAnnotation]: sealed.signature };
}

/**
 * The Lease a lock is, held under `holder.token` (exported for the benchmark's raw baseline, which
 * sends the same but without a token: its holderIdentity is then the operation id).
 */
export function toLease(
  s: LockLeaseSettings,
  target: InstallationRef,
  holder: LockHolder & { token?: string },
  now: Date,
): LeaseObject & { apiVersion: string; kind: string } {
  const name = lockLeaseName(target.namespace, target.name);
  return {
    metadata: {
      name,
      namespace: s.namespace,
      labels: { [lockLabel]: 'true' },
      annotations: recordAnnotations(s, target, holder.record),
    },
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    spec: {
      holderIdentity: holder.token ?? holder.operationId,
      leaseDurationSeconds: s.durationSeconds,
      acquireTime: microTime(now),
      renewTime: microTime(now),
    },
  };
}

/** `foreign`: a genuine record, written through another context of the same cluster (resumed there). */
export type ReadHolder = { ok: true; holder: LockHolder } | { ok: false; reason: string; foreign?: boolean };

const holderOf = (record: InFlightRecord): LockHolder => ({
  operationId: record.operationId,
  verb: record.verb,
  requester: record.requester,
  startedAt: new Date(record.startedAt),
  record,
});

/**
 * The holder of a lock Lease, if its record verifies under our key and names this very Lease and
 * cluster: a record for another installation, or written through another context, is not ours to
 * resume here.
 */
const placeOf = (lease: LeaseObject): RecordPlace => ({ namespace: lease.metadata?.namespace ?? '', name: lease.metadata?.name ?? '' });

export function readHolder(s: LockLeaseSettings, lease: LeaseObject, context: string): ReadHolder {
  const place = placeOf(lease);
  const annotations = lease.metadata?.annotations ?? {};
  const opened = openInFlight(s.signer, place, { json: annotations[recordAnnotation], signature: annotations[signatureAnnotation] });
  if (!opened.ok) return opened;
  const { record } = opened;
  if (place.namespace !== s.namespace || place.name !== lockLeaseName(record.namespace, record.name)) {
    return { ok: false, reason: `its in-flight record is for ${record.namespace}/${record.name}, another Lease` };
  }
  if (record.cluster !== context) return { ok: false, reason: `its in-flight record was written through context ${record.cluster}`, foreign: true };
  if (!heldBy(lease.spec?.holderIdentity, record.operationId)) return { ok: false, reason: 'its holder is not the operation its record names' };
  return { ok: true, holder: holderOf(record) };
}

/** Who to name when a lock is held by a Lease whose record cannot be trusted: nobody in particular. */
export function unverifiedHolder(lease: LeaseObject, target: InstallationRef, now: Date): LockHolder {
  const operationId = lease.spec?.holderIdentity ?? 'unknown';
  const at = now.toISOString();
  return {
    operationId,
    verb: 'a change',
    requester: 'an unverified holder',
    startedAt: now,
    record: {
      operationId,
      verb: 'a change',
      requester: 'an unverified holder',
      via: 'unknown',
      cluster: target.cluster,
      namespace: target.namespace,
      name: target.name,
      steps: [{ kind: 'wait', until: 'stable', namespace: target.namespace, name: target.name }],
      step: 0,
      summary: '',
      startedAt: at,
      deadline: at,
    },
  };
}
