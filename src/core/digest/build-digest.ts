/**
 * Builds a digest from what the cluster says (issue 13), pure: each installation's health from the
 * verdict `status` gives and its open incidents (the worse of the two), its pods' restarts and
 * OOMs of the last 24 h, its last backup, and what changed since the last digest (its version,
 * replicas and incidents against what that digest showed, and the changes made through matterops
 * since, from the audit Events, with who made them).
 */
import { healths, type Digest, type DigestLine, type Health } from '../model/digest.ts';
import type { Installation } from '../model/installation.ts';
import type { Seen } from '../model/schedule.ts';
import { verdictOf } from '../model/verdict.ts';
import type { JobInfo, PodInfo } from '../model/workload.ts';
import type { AuditEntry } from '../ports/audit-log.ts';
import { excerpt } from '../text/excerpt.ts';
import { incidentChanges, incidentHealth, openIncidentsOf, type IncidentState } from './digest-incidents.ts';

const dayMs = 24 * 3_600_000;

/** What the digest reads about one installation. */
export interface InstallationFacts {
  installation: Installation;
  pods: PodInfo[];
  jobs: JobInfo[];
  /** The last backup's age as shown; absent when backups are off. */
  lastBackup?: string;
}

export interface DigestInput {
  at: Date;
  cluster: string;
  scope: string;
  facts: InstallationFacts[];
  /** The last digest: when, and what it showed (absent for a first digest or a preview). */
  previous?: { at: Date; seen: Seen };
  /** matterops's audit entries since the last digest (or the last 24 h). */
  audit: AuditEntry[];
  /** The incident state (absent: none for this cluster; `unread`: it did not answer). */
  incidents?: IncidentState | 'unread';
}

export const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Terminated in the last 24 h, or at a time the pod does not say. */
const recent = (p: PodInfo, now: Date): boolean => p.lastTerminatedAt === undefined || now.getTime() - p.lastTerminatedAt.getTime() <= dayMs;

function trouble(pods: PodInfo[], now: Date): { restarts: number; ooms: number } {
  const restarted = pods.filter((p) => p.restarts > 0 && recent(p, now));
  return {
    restarts: restarted.reduce((sum, p) => sum + p.restarts, 0),
    ooms: pods.filter((p) => p.lastTerminationReason === 'OOMKilled' && recent(p, now)).length,
  };
}

function healthOf(tone: string, line: Pick<DigestLine, 'ready' | 'desired' | 'restarts' | 'ooms'>): Health {
  if (tone === 'danger') return 'red';
  if (tone !== 'good') return 'watch';
  return line.ready < (line.desired ?? 0) || line.restarts > 0 || line.ooms > 0 ? 'watch' : 'green';
}

/** Changes made through matterops to this installation: who, what, how it ended. */
function auditChanges(i: Installation, audit: AuditEntry[]): string[] {
  return audit
    .filter((e) => e.objectKind === undefined && e.namespace === i.namespace && e.installation === i.name)
    .filter((e) => e.phase === 'succeeded' || e.phase === 'failed' || e.phase === 'timed-out')
    .map((e) => `${e.requester} ${e.verb} ${e.phase}: ${excerpt(e.detail, 80)}`);
}

function changesOf(i: Installation, seen: Seen[string] | undefined, audit: AuditEntry[]): string[] {
  const version = i.status.version ?? i.spec.version;
  const moved = seen
    ? [
        ...(seen.version !== version ? [`version ${seen.version ?? '-'} -> ${version ?? '-'}`] : []),
        ...(seen.replicas !== i.spec.replicas ? [`replicas ${seen.replicas ?? '-'} -> ${i.spec.replicas ?? '-'}`] : []),
      ]
    : [];
  return [...moved, ...auditChanges(i, audit)];
}

const rank = (h: Health): number => healths.indexOf(h);
const worse = (a: Health, b: Health): Health => (rank(a) <= rank(b) ? a : b);
const known = (input: DigestInput): IncidentState | undefined => (input.incidents === 'unread' ? undefined : input.incidents);

function lineOf(f: InstallationFacts, input: DigestInput): DigestLine {
  const i = f.installation;
  const verdict = verdictOf(i, f.pods, f.jobs);
  const counts = trouble(f.pods, input.at);
  const partial = { ready: f.pods.filter((p) => p.ready && !p.terminating).length, desired: i.spec.replicas, ...counts };
  const seen = input.previous?.seen[keyOf(i.namespace, i.name)];
  const state = known(input);
  const incidents = state && openIncidentsOf(state, i, input.at);
  const since = input.previous?.at ?? new Date(input.at.getTime() - dayMs);
  const incidentMoves = state ? incidentChanges(state, i, seen, { now: input.at, since }) : [];
  return {
    namespace: i.namespace,
    name: i.name,
    health: worse(healthOf(verdict.tone, partial), incidentHealth(incidents ?? [])),
    verdict: verdict.text,
    state: i.status.state ?? 'not reconciled yet',
    version: i.status.version ?? i.spec.version ?? '-',
    ...partial,
    incidents,
    lastBackup: f.lastBackup,
    // A first digest has nothing to compare with: only matterops's changes of the last 24 h.
    changes: [
      ...(input.previous && !seen ? ['new since the last digest', ...auditChanges(i, input.audit)] : changesOf(i, seen, input.audit)),
      ...incidentMoves,
    ],
  };
}

/** Worst first; of equal health, the one with more open incidents; then by name. */
const order = (a: DigestLine, b: DigestLine): number =>
  rank(a.health) - rank(b.health) ||
  (b.incidents?.length ?? 0) - (a.incidents?.length ?? 0) ||
  keyOf(a.namespace, a.name).localeCompare(keyOf(b.namespace, b.name));

export function buildDigest(input: DigestInput): Digest {
  const lines = input.facts.map((f) => lineOf(f, input)).sort(order);
  const shown = new Set(lines.map((l) => keyOf(l.namespace, l.name)));
  const gone = Object.keys(input.previous?.seen ?? {})
    .filter((k) => !shown.has(k))
    .sort();
  // Health moving counts as a change too: a digest that went green again says so.
  const healthMoved = lines.some((l) => {
    const before = input.previous?.seen[keyOf(l.namespace, l.name)]?.health;
    return before !== undefined && before !== l.health;
  });
  return {
    at: input.at,
    cluster: input.cluster,
    scope: input.scope,
    header: lines.reduce<Health>((worst, l) => (rank(l.health) < rank(worst) ? l.health : worst), 'green'),
    lines,
    gone,
    since: input.previous?.at,
    changed: !input.previous || gone.length > 0 || healthMoved || lines.some((l) => l.changes.length > 0),
    incidentsUnread: input.incidents === 'unread',
  };
}

/** What a posted digest showed, kept for the next one's "what changed". */
export function seenOf(d: Digest): Seen {
  return Object.fromEntries(
    d.lines.map((l) => [
      keyOf(l.namespace, l.name),
      {
        health: l.health,
        ...(l.version !== '-' ? { version: l.version } : {}),
        ...(l.desired !== undefined ? { replicas: l.desired } : {}),
        ...(l.incidents ? { incidents: l.incidents.map(({ key, title }) => ({ key, title })) } : {}),
      },
    ]),
  );
}
