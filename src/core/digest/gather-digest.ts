/**
 * Reads what a digest shows from the cluster (issue 13): the installations in scope that the
 * viewer may `status`, their pods and Jobs, the newest complete backup of each (when backups are
 * on; a store that does not answer is said so, not hidden), the open incidents the incident state
 * keeps (when the digest is of the cluster incidents are watched in; read only), and matterops's
 * audit entries since the last digest (24 h back for a first one or a preview).
 */
import { backupIdTime } from '../model/backup.ts';
import type { Digest } from '../model/digest.ts';
import type { ScheduleScope, Seen } from '../model/schedule.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { Backups } from '../ports/backup-store.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import type { StateStore } from '../ports/state-store.ts';
import { mutesDocument } from '../incidents/mutes.ts';
import { threadsDocument } from '../incidents/thread-document.ts';
import { formatAge } from '../text/duration.ts';
import { buildDigest, type InstallationFacts } from './build-digest.ts';
import type { IncidentState } from './digest-incidents.ts';

export interface DigestSources {
  gateway: ClusterGateway;
  cluster: string;
  /** Whether the viewer may see this installation (its `status` right). */
  mayView: (namespace: string, name: string) => boolean;
  backups: Backups;
  audit: AuditLog;
  /** Where the incident threads and mutes are kept; absent when incidents are not about this cluster. */
  incidents?: StateStore;
}

/** Incidents are watched (and Alertmanager's groups matched) in one cluster: only its digests show them. */
export const incidentStoreFor = (incidents: { store: StateStore; cluster: string }, cluster: string): { incidents?: StateStore } =>
  incidents.cluster === cluster ? { incidents: incidents.store } : {};

export interface DigestRequest {
  scope: ScheduleScope;
  at: Date;
  previous?: { at: Date; seen: Seen };
}

async function lastBackupOf(backups: Backups, i: { namespace: string; name: string }, now: Date): Promise<string | undefined> {
  if (!backups.enabled) return undefined;
  try {
    const id = await backups.store.newestComplete(i);
    return id ? `${formatAge(Math.max(0, now.getTime() - backupIdTime(id).getTime()))} ago` : 'none';
  } catch {
    return 'the backup store did not answer';
  }
}

/** The incident state, or `unread` when the store does not answer (the digest says so rather than failing). */
async function incidentStateOf(store: StateStore | undefined): Promise<IncidentState | 'unread' | undefined> {
  if (!store) return undefined;
  try {
    const [threads, mutes] = await Promise.all([store.read(threadsDocument), store.read(mutesDocument)]);
    return { threads: threads.value.threads, mutes: mutes.value };
  } catch {
    return 'unread';
  }
}

async function inScope(s: DigestSources, scope: ScheduleScope) {
  const found = 'all' in scope ? await s.gateway.listInstallations() : [await s.gateway.getInstallation(scope.namespace, scope.name)];
  return found.filter((i) => i !== undefined).filter((i) => s.mayView(i.namespace, i.name));
}

export async function gatherDigest(s: DigestSources, request: DigestRequest): Promise<Digest> {
  const installations = await inScope(s, request.scope);
  const jobsByNamespace = new Map(
    await Promise.all([...new Set(installations.map((i) => i.namespace))].map(async (ns) => [ns, await s.gateway.listJobs(ns)] as const)),
  );
  const facts: InstallationFacts[] = await Promise.all(
    installations.map(async (installation) => {
      const [pods, lastBackup] = await Promise.all([
        s.gateway.listPods(installation.namespace, installation.name),
        lastBackupOf(s.backups, installation, request.at),
      ]);
      return { installation, pods, jobs: jobsByNamespace.get(installation.namespace) ?? [], ...(lastBackup !== undefined ? { lastBackup } : {}) };
    }),
  );
  const since = request.previous?.at ?? new Date(request.at.getTime() - 24 * 3_600_000);
  const [audit, incidents] = await Promise.all([s.audit.query({ since }), incidentStateOf(s.incidents)]);
  return buildDigest({
    at: request.at,
    cluster: s.cluster,
    scope: 'all' in request.scope ? 'every installation' : `${request.scope.namespace}/${request.scope.name}`,
    facts,
    ...(request.previous ? { previous: request.previous } : {}),
    audit,
    ...(incidents ? { incidents } : {}),
  });
}
