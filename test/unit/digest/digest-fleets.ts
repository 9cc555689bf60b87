/** Fleets for digest tests, seeded on a harness's fake gateway: healthy, degraded, mixed, with incidents. */
import { notifiedState, type Incident, type Severity } from '../../../src/core/incidents/incident.ts';
import { mutesDocument } from '../../../src/core/incidents/mutes.ts';
import { threadsDocument, type ThreadRecord } from '../../../src/core/incidents/thread-document.ts';
import type { StateStore } from '../../../src/core/ports/state-store.ts';
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

/** An incident as the thread keeper keeps it in `incidents/threads` (what the digest reads). */
export interface KeptIncident {
  installation?: { namespace: string; name: string };
  rule?: string;
  severity?: Severity;
  title?: string;
  since: Date;
  resolvedAt?: Date;
  source?: Incident['source'];
  key?: string;
}

export function threadOf(k: KeptIncident): ThreadRecord {
  const rule = k.rule ?? 'crash-loop';
  const where = k.installation ? `${k.installation.namespace}/${k.installation.name}` : 'group';
  const incident: Incident = {
    key: k.key ?? `${rule}:${where}`,
    source: k.source ?? 'rules',
    ...(k.installation ? { installation: k.installation } : {}),
    rule,
    severity: k.severity ?? 'critical',
    title: k.title ?? 'container mattermost is crash-looping (2 pods)',
    since: k.since,
    affected: [],
    evidence: { facts: [], lines: [] },
    state: k.resolvedAt ? 'resolved' : 'open',
    ...(k.resolvedAt ? { resolvedAt: k.resolvedAt } : {}),
  };
  return { key: incident.key, channel: 'ch-incidents', rootPostId: `root-${incident.key}`, incident, notified: notifiedState(incident) };
}

/** Keeps the incident in the store as the thread keeper would, replacing one of the same key. */
export async function keepIncident(store: StateStore, k: KeptIncident): Promise<void> {
  const record = threadOf(k);
  await store.update(threadsDocument, (doc) => ({ ...doc, threads: [...doc.threads.filter((t) => t.key !== record.key), record] }));
}

/**
 * The healthy fleet and a fourth installation, with open incidents: a critical crash loop on
 * team-b (healthy by its verdict), an Alertmanager group routed to chat/mattermost, a muted
 * staging with pods not ready, and an Alertmanager group about no installation (not shown).
 */
export async function incidentFleet(h: Harness): Promise<void> {
  healthyFleet(h);
  h.gateway.seed('team-c', 'mattermost-c', { replicas: 1 });
  await keepIncident(h.state, { installation: { namespace: 'team-b', name: 'mattermost-b' }, since: minutesAgo(125) });
  await keepIncident(h.state, {
    installation: { namespace: 'chat', name: 'mattermost' },
    source: 'alertmanager',
    rule: 'alertmanager',
    key: 'alertmanager:{}:{alertname="MattermostSlowResponses"}',
    severity: 'warning',
    title: 'MattermostSlowResponses: p99 above 2 s',
    since: minutesAgo(12),
  });
  await keepIncident(h.state, {
    installation: { namespace: 'staging', name: 'mattermost-staging' },
    rule: 'pods-not-ready',
    severity: 'warning',
    title: '1 pod not ready',
    since: minutesAgo(40),
  });
  await keepIncident(h.state, {
    source: 'alertmanager',
    rule: 'alertmanager',
    key: 'alertmanager:{}:{alertname="NodeDown"}',
    title: 'NodeDown',
    since: minutesAgo(5),
  });
  await h.state.update(mutesDocument, () => ({
    mutes: [{ installation: 'staging/mattermost-staging', until: minutesAgo(-60), by: '@alice', at: minutesAgo(30), reason: 'node drain' }],
  }));
}
