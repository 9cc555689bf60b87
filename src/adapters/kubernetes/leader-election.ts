/**
 * Leader election over a coordination.k8s.io Lease, so that of several `matterops serve` replicas
 * exactly one listens for mentions and resumes in-flight changes (every replica answers HTTP).
 *
 * As in client-go, a Lease counts as expired when its resourceVersion has not changed for its
 * duration *as seen by this process*, so clocks of different nodes never have to agree. The leader
 * renews every third of the duration. It steps down as soon as a renewal fails, and also when no
 * renewal has succeeded for two thirds of the duration (a renewal can hang on a dead connection),
 * so it has stopped listening before any follower may take over: better a short gap than two
 * listeners. Stopping deletes the Lease, so a follower takes over on its next try instead of
 * waiting out the duration. A leader that cannot do its duties (its websocket stays down) steps
 * down: it gives the Lease up and sits out four renewal periods (a third of the duration each),
 * so a healthy replica, trying every period, takes over; a lone replica leads again after that.
 */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../core/ports/logger.ts';
import { isNotFound } from './kube-errors.ts';
import { leaseResource, microTime, type LeaseObject } from './lease-object.ts';
import { createLeaseObserver } from './lease-observer.ts';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  /** This process, as written in the Lease's holderIdentity. */
  identity: string;
  durationSeconds: number;
  logger: Logger;
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

export interface LeaderElection {
  readonly leading: boolean;
  /** False until the first attempt has told whether this replica leads. */
  readonly settled: boolean;
  /** Stops trying, and gives the Lease up if held. */
  stop(): Promise<void>;
  /**
   * Stops leading now, gives the Lease up, and stays out of the election for four renewal periods, so
   * another replica takes over; then campaigns again (and leads again if none did).
   */
  stepDown(): Promise<void>;
}

/** The promise, or a rejection once `ms` have passed (the call itself may still be running). */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let late: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    late = setTimeout(() => reject(new Error('the Lease did not answer in time')), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(late));
}

export function startLeaderElection(kc: KubeConfig, o: LeaderElectionOptions): LeaderElection {
  const api = kc.makeApiClient(CustomObjectsApi);
  const ref = { ...leaseResource, namespace: o.namespace, name: o.name };
  let leading = false;
  let settled = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  /** How long the Lease has stood still as this process saw it (the lock Leases are judged alike). */
  const observer = createLeaseObserver(() => Date.now());
  /** Until then this replica sat out the election after stepping down. */
  let sittingOutUntil = 0;
  const sittingOut = (): boolean => Date.now() < sittingOutUntil;
  const renewDeadlineMs = (o.durationSeconds * 1000 * 2) / 3;
  let renewedAt = 0;
  // Steps down when renewals stop succeeding, even while one of them is still hanging.
  const watchdog = setInterval(() => {
    if (leading && Date.now() - renewedAt > renewDeadlineMs) setLeading(false);
  }, 250);
  watchdog.unref();

  const spec = (now: Date, acquired?: string): LeaseObject['spec'] => ({
    holderIdentity: o.identity,
    leaseDurationSeconds: o.durationSeconds,
    acquireTime: acquired ?? microTime(now),
    renewTime: microTime(now),
  });

  /** Whether the Lease has stood still for its whole duration, by this process's clock. */
  const expiredAsSeen = (lease: LeaseObject): boolean => observer.expired(lease, o.durationSeconds);

  /** True when this process holds the Lease after the attempt. */
  async function attempt(): Promise<boolean> {
    const now = new Date();
    let lease: LeaseObject;
    try {
      lease = (await api.getNamespacedCustomObject(ref)) as LeaseObject;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await api.createNamespacedCustomObject({
        ...leaseResource,
        namespace: o.namespace,
        body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: o.name }, spec: spec(now) },
      });
      return true;
    }
    const ours = lease.spec?.holderIdentity === o.identity;
    if (!ours && !expiredAsSeen(lease)) return false;
    await api.replaceNamespacedCustomObject({ ...ref, body: { ...lease, spec: spec(now, ours ? lease.spec?.acquireTime : undefined) } });
    return true;
  }

  function setLeading(now: boolean): void {
    if (now === leading) return;
    leading = now;
    o.logger.info({ identity: o.identity, lease: `${o.namespace}/${o.name}` }, now ? 'leading: this replica listens for mentions' : 'no longer leading');
    if (now) o.onStartedLeading();
    else o.onStoppedLeading();
  }

  async function tick(): Promise<void> {
    try {
      const holds = sittingOut() ? false : await within(renewDeadlineMs, attempt());
      if (holds) renewedAt = Date.now();
      // An attempt that began before a step-down must not make this replica lead again.
      if (!stopped) setLeading(holds && !sittingOut());
    } catch (error) {
      // A 409 means another replica wrote first; anything else means we cannot be sure we lead.
      if ((error as { code?: number }).code !== 409)
        o.logger.warn({ err: (error as Error).message }, 'leader election: the Lease could not be read or written');
      setLeading(false);
    }
    settled = true;
    if (!stopped)
      timer = setTimeout(
        () => {
          running = tick();
        },
        (o.durationSeconds * 1000) / 3,
      );
  }
  running = tick();

  /** Deletes the Lease if this replica still holds it, so the next one need not wait it out. */
  async function giveUp(): Promise<void> {
    try {
      await within(
        renewDeadlineMs,
        (async () => {
          const lease = (await api.getNamespacedCustomObject(ref)) as LeaseObject;
          if (lease.spec?.holderIdentity !== o.identity) return;
          await api.deleteNamespacedCustomObject({ ...ref, body: { preconditions: { resourceVersion: lease.metadata?.resourceVersion } } });
        })(),
      );
    } catch (error) {
      if (!isNotFound(error))
        o.logger.warn({ err: (error as Error).message }, 'leader election: could not give the Lease up; another replica takes over when it expires');
    }
  }

  return {
    get leading() {
      return leading;
    },
    get settled() {
      return settled;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      await running; // an attempt under way may just have taken the Lease: give that up too
      setLeading(false);
      await giveUp();
    },
    async stepDown() {
      if (stopped) return;
      sittingOutUntil = Date.now() + (o.durationSeconds * 4_000) / 3;
      setLeading(false);
      await running; // a renewal under way may just have written the Lease: give that up too
      await giveUp();
    },
  };
}
