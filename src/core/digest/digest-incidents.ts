/**
 * The open incidents a digest shows (issue 13, with issue 12's incidents), pure. They are read,
 * never changed, from the state the incident engine's thread keeper and the Alertmanager groups
 * keep (`incidents/threads`, with the mutes of `notify/mutes`: docs/state.md); gather-digest.ts
 * reads the two documents. An incident counts for the installation it is about: an Alertmanager
 * group matched to none is left out. Critical is RED and warning is WATCH, as the incident roots
 * colour them; a muted installation's incidents count too (a mute stops posts, not trouble).
 */
import type { DigestIncident, Health } from '../model/digest.ts';
import type { Seen } from '../model/schedule.ts';
import { spoken } from '../incidents/incident-replies.ts';
import { muteOf, type Mutes } from '../incidents/mutes.ts';
import type { ThreadRecord } from '../incidents/thread-document.ts';

/** The two documents as read for one digest. */
export interface IncidentState {
  threads: readonly ThreadRecord[];
  mutes: Mutes;
}

interface Ref {
  namespace: string;
  name: string;
}

const about = (t: ThreadRecord, i: Ref): boolean => t.incident.installation?.namespace === i.namespace && t.incident.installation.name === i.name;

/** The installation's open incidents, oldest first. */
export function openIncidentsOf(state: IncidentState, i: Ref, now: Date): DigestIncident[] {
  const muted = muteOf(state.mutes, `${i.namespace}/${i.name}`, now) !== undefined;
  return state.threads
    .filter((t) => t.incident.state === 'open' && about(t, i))
    .map(({ incident: x }) => ({ key: x.key, rule: x.rule, title: x.title, severity: x.severity, since: x.since, muted }))
    .sort((a, b) => a.since.getTime() - b.since.getTime() || a.key.localeCompare(b.key));
}

/** What the incidents make of an installation's health: critical RED, warning WATCH, none green. */
export const incidentHealth = (open: readonly DigestIncident[]): Health =>
  open.some((x) => x.severity === 'critical') ? 'red' : open.length ? 'watch' : 'green';

/** `critical crash-loop: container mattermost is crash-looping (2 pods), open 2 h 5 min, muted`. */
export const incidentText = (x: DigestIncident, now: Date): string =>
  `${x.severity} ${x.rule}: ${x.title}, open ${spoken(now.getTime() - x.since.getTime())}${x.muted ? ', muted' : ''}`;

/**
 * Incidents opened and resolved since the last digest (or `since`, 24 h back for a preview). An
 * incident is new when the last digest kept its incidents and lacked it; resolved when that digest
 * had it open, or when the state still keeps it resolved after `since` (within the cool-down: one
 * that opened and resolved between two digests and has been forgotten since is not seen).
 */
export function incidentChanges(state: IncidentState, i: Ref, seen: Seen[string] | undefined, at: { now: Date; since: Date }): string[] {
  const open = openIncidentsOf(state, i, at.now);
  const openKeys = new Set(open.map((x) => x.key));
  const before = seen?.incidents;
  const opened = before ? open.filter((x) => !before.some((b) => b.key === x.key)).map((x) => `incident opened: ${x.title}`) : [];
  const kept = state.threads.filter((t) => about(t, i) && t.incident.state === 'resolved' && !openKeys.has(t.key));
  const recent = kept.filter((t) => (t.incident.resolvedAt?.getTime() ?? 0) >= at.since.getTime());
  const gone = (before ?? []).filter((b) => !openKeys.has(b.key));
  const resolved = [...new Set([...gone.map((b) => b.key), ...recent.map((t) => t.key)])].sort().map((key) => {
    const record = kept.find((t) => t.key === key)?.incident;
    const title = record?.title ?? gone.find((b) => b.key === key)?.title ?? key;
    const after = record?.resolvedAt ? `, after ${spoken(record.resolvedAt.getTime() - record.since.getTime())}` : '';
    return `incident resolved: ${title}${after}`;
  });
  return [...opened, ...resolved];
}
