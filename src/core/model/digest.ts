/**
 * A status digest (issue 13): one post over everything a schedule covers, worst first. Pure data:
 * built by src/core/digest/build-digest.ts from what the cluster says, rendered into a Reply by
 * digest-reply.ts (the Mattermost and terminal renderers then show it as they show any reply).
 */

/** Worst first: the order lines are sorted in, and the header is the worst there is. */
export const healths = ['red', 'watch', 'green'] as const;
export type Health = (typeof healths)[number];

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
}

/** What the quiet rule does not post: all green, nothing changed since the last one. */
export const isQuiet = (d: Digest): boolean => d.header === 'green' && !d.changed;
