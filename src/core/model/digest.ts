/**
 * A status digest (issue 13): one post over everything a schedule covers, worst first. Pure data:
 * built by src/core/digest/build-digest.ts from what the cluster says, rendered into a Reply by
 * digest-reply.ts (the Mattermost and terminal renderers then show it as they show any reply).
 */

/** Worst first: the order lines are sorted in, and the header is the worst there is. */
export const healths = ['red', 'watch', 'green'] as const;
export type Health = (typeof healths)[number];

/** An open incident of an installation, as the digest shows it (read from the incident threads' state). */
export interface DigestIncident {
  /** The incident's key (`crash-loop:chat/mattermost:mattermost`), what the next digest compares. */
  key: string;
  rule: string;
  title: string;
  /** The incident's severity (incidents/incident.ts, a layer above: a new one fails to compile where it is copied here). */
  severity: 'warning' | 'critical';
  since: Date;
  /** The installation is muted: the incident is kept, not posted (it still counts here). */
  muted: boolean;
}

/** One installation as the digest shows it. */
export interface DigestLine {
  namespace: string;
  name: string;
  health: Health;
  /** The verdict `status` gives (stable, reconciling..., error: ...). */
  verdict: string;
  state: string;
  version: string;
  ready: number;
  desired: number | undefined;
  /** Restarts of pods whose container last terminated in the last 24 h (or at an unknown time). */
  restarts: number;
  /** Pods whose container was last OOMKilled in the last 24 h. */
  ooms: number;
  /** Its open incidents, oldest first; undefined when the digest has no incident state to read (another cluster). */
  incidents: DigestIncident[] | undefined;
  /** Age of the last complete backup ("3h ago", "none", "the backup store did not answer"); absent when backups are off. */
  lastBackup: string | undefined;
  /** What changed since the last digest: version, replicas, and changes made through matterops with who. */
  changes: string[];
}

export interface Digest {
  at: Date;
  cluster: string;
  /** `every installation` or `chat/mattermost`. */
  scope: string;
  header: Health;
  lines: DigestLine[];
  /** Installations the last digest showed that are gone. */
  gone: string[];
  /** When the last digest was posted (what "changed" is counted from); absent for a first digest or a preview. */
  since: Date | undefined;
  /** Whether anything changed since the last digest (always true for a first one). */
  changed: boolean;
  /** The incident state could not be read: the digest says so, and is never quiet (an incident may hide behind it). */
  incidentsUnread: boolean;
}

/** What the quiet rule does not post: all green, nothing changed since the last one, nothing unknown. */
export const isQuiet = (d: Digest): boolean => d.header === 'green' && !d.changed && !d.incidentsUnread;
