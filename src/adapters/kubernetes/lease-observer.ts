/**
 * When a Lease counts as expired, judged as client-go's leader election does: a Lease is expired
 * once it has stood still (the same resourceVersion) for longer than its duration *as seen by this
 * process*, timed by this process's own clock. The holder's renewTime is never compared with our
 * clock: a holder whose clock runs an hour ahead would otherwise keep a dead lock forever, and one
 * whose clock runs behind would lose a live lock to the first sweep (issue 9, item 15).
 *
 * The price: a Lease this process has never seen before is not expired yet, however old its
 * renewTime says it is; it becomes so after standing still for one duration under observation.
 */
import type { LeaseObject } from './lease-object.ts';

export interface LeaseObserver {
  /** Notes the Lease as seen now; true when it has not moved for longer than its duration. */
  expired(lease: LeaseObject, fallbackSeconds: number): boolean;
  /** Notes a Lease this process just wrote: it moved now. */
  wrote(lease: LeaseObject): void;
  /** Forgets every Lease of `namespace` not in `present` (they were deleted), so memory stays bounded. */
  keepOnly(namespace: string, present: readonly LeaseObject[]): void;
}

const keyOf = (lease: LeaseObject): string => `${lease.metadata?.namespace ?? ''}/${lease.metadata?.name ?? ''}`;

/** `now` is this process's clock in milliseconds (a fake one in tests). */
export function createLeaseObserver(now: () => number): LeaseObserver {
  const seen = new Map<string, { resourceVersion: string; since: number }>();
  const note = (lease: LeaseObject): { since: number } => {
    const resourceVersion = lease.metadata?.resourceVersion ?? '';
    const key = keyOf(lease);
    const known = seen.get(key);
    if (known && known.resourceVersion === resourceVersion) return known;
    const fresh = { resourceVersion, since: now() };
    seen.set(key, fresh);
    return fresh;
  };
  return {
    expired(lease, fallbackSeconds) {
      const { since } = note(lease);
      return now() - since > (lease.spec?.leaseDurationSeconds ?? fallbackSeconds) * 1000;
    },
    wrote(lease) {
      seen.set(keyOf(lease), { resourceVersion: lease.metadata?.resourceVersion ?? '', since: now() });
    },
    keepOnly(namespace, present) {
      const keep = new Set(present.map(keyOf));
      for (const key of seen.keys()) if (key.startsWith(`${namespace}/`) && !keep.has(key)) seen.delete(key);
    },
  };
}
