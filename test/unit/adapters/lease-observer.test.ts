/**
 * Lease expiry as this process sees it (issue 9, item 15): a holder's clock that runs ahead or
 * behind ours must not decide whether its lock is dead. Only how long the Lease stood still, timed
 * by our own (here fake) clock, does.
 */
import { describe, expect, it } from 'vitest';
import type { LeaseObject } from '../../../src/adapters/kubernetes/lease-object.ts';
import { createLeaseObserver } from '../../../src/adapters/kubernetes/lease-observer.ts';

let now = Date.parse('2026-11-27T09:00:00Z');
const observer = createLeaseObserver(() => now);
const lease = (name: string, resourceVersion: string, renewTime: string): LeaseObject => ({
  metadata: { namespace: 'matterops', name, resourceVersion },
  spec: { holderIdentity: 'op1', leaseDurationSeconds: 30, renewTime },
});

describe('a lock Lease judged by local observation', () => {
  it('a dead holder whose clock ran an hour ahead loses its lock once the Lease stood still for its duration', () => {
    const ahead = lease('ahead', '100', '2026-11-27T10:00:00.000000Z');
    expect(observer.expired(ahead, 30)).toBe(false);
    now += 29_000;
    expect(observer.expired(ahead, 30)).toBe(false);
    now += 2_000;
    expect(observer.expired(ahead, 30)).toBe(true);
  });

  it('a live holder whose clock runs an hour behind keeps its lock while it renews', () => {
    let version = 200;
    for (let i = 0; i < 10; i++) {
      expect(observer.expired(lease('behind', String(version++), '2026-11-27T08:00:00.000000Z'), 30)).toBe(false);
      now += 10_000;
    }
  });

  it('a Lease first seen now is not expired, however old its renewTime', () => {
    expect(observer.expired(lease('first-seen', '300', '2000-01-01T00:00:00.000000Z'), 30)).toBe(false);
  });

  it('a Lease this process just wrote counts from the write', () => {
    const written = lease('written', '400', '2026-11-27T09:00:00.000000Z');
    observer.wrote(written);
    now += 31_000;
    expect(observer.expired(written, 30)).toBe(true);
  });

  it('forgets Leases that are gone, so its memory stays bounded', () => {
    const gone = lease('gone', '500', '2026-11-27T09:00:00.000000Z');
    observer.expired(gone, 30);
    now += 31_000;
    observer.keepOnly('matterops', []);
    expect(observer.expired(gone, 30)).toBe(false); // seen anew
  });
});
