/** Fleets for digest tests, seeded on a harness's fake gateway: healthy, degraded, mixed. */
import type { Harness } from '../../support/core-harness.ts';
import { minutesAgo } from '../../support/core-harness.ts';

export function healthyFleet(h: Harness): void {
  h.gateway.seed('chat', 'mattermost', { replicas: 2 });
  h.gateway.seed('staging', 'mattermost-staging', { replicas: 1 });
  h.gateway.seed('team-b', 'mattermost-b', { replicas: 3, version: '10.5.1' });
}

/** One installation scaled past what the nodes hold (reconciling, 1 of 4 ready), one with an OOMKilled pod an hour ago. */
export function degradedFleet(h: Harness): void {
  h.gateway.seed('chat', 'mattermost', { replicas: 4, state: 'reconciling', status: { updatedReplicas: 1 } });
  const pods = h.gateway.pods.get('chat/mattermost') ?? [];
  h.gateway.pods.set(
    'chat/mattermost',
    pods.map((p, i) => (i === 0 ? p : { ...p, phase: 'Pending', ready: false, node: undefined, waitingReason: undefined })),
  );
  h.gateway.seed('staging', 'mattermost-staging', { replicas: 1 });
  const [pod] = h.gateway.pods.get('staging/mattermost-staging') ?? [];
  if (pod) h.gateway.pods.set('staging/mattermost-staging', [{ ...pod, restarts: 3, lastTerminationReason: 'OOMKilled', lastTerminatedAt: minutesAgo(60) }]);
}

/** Degraded, and broken: an installation the operator reports an error for; and a healthy one. */
export function mixedFleet(h: Harness): void {
  degradedFleet(h);
  h.gateway.seed('broken', 'mattermost-broken', { replicas: 1, state: 'reconciling', status: { error: 'database secret mattermost-broken-db not found' } });
  h.gateway.seed('team-b', 'mattermost-b', { replicas: 3, version: '10.5.1' });
}
