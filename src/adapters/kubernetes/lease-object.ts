/**
 * Leases as the lock manager and leader election write them. They go through the generic object
 * API: client-node's typed serializer writes MicroTime fields with milliseconds, which the
 * apiserver rejects (it wants six fractional digits).
 */
export interface LeaseObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string };
}

export const leaseResource = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' } as const;

/** A Date as a Kubernetes MicroTime: six fractional digits. */
export const microTime = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
