/**
 * What the leader keeps about chat posts, as one document (issue 9, item 14): the ids of the posts
 * it handled (with their create times, so they expire), a floor below which everything counts as
 * handled (raised when entries are dropped for the count), and until when a leader was listening,
 * which is where the next leader's catch-up starts. Pure: merged on every save, pruned by both.
 * Kept as the StateStore document `chat-state/handled` (chat-state-document.ts).
 */
import { z } from 'zod';

/** Tolerant of missing or odd fields, as the stored JSON of every matterops since issue 9 is read. */
export const ChatSnapshotSchema = z.object({
  /** Handled post ids and their `create_at` (ms epoch, server time); entries that are not numbers are dropped. */
  posts: z
    .record(z.string(), z.unknown())
    .catch({})
    .transform((posts) => Object.fromEntries(Object.entries(posts).filter((entry): entry is [string, number] => typeof entry[1] === 'number'))),
  /** Posts created at or before this count as handled (entries past the count limit were dropped). */
  floor: z.coerce.number().catch(0),
  /** Until when a leader was listening with nothing left to catch up (ms epoch); 0 if never. */
  listeningUntil: z.coerce.number().catch(0),
});
export type ChatSnapshot = z.infer<typeof ChatSnapshotSchema>;

export interface ChatSnapshotLimits {
  /** Entries older than this expire (a post that old is not answered any more). */
  keepMs: number;
  /** At most this many entries; the oldest go first, and raise the floor. */
  maxPosts: number;
}

export const defaultLimits: ChatSnapshotLimits = { keepMs: 24 * 3_600_000, maxPosts: 3_000 };

export const emptySnapshot = (): ChatSnapshot => ({ posts: {}, floor: 0, listeningUntil: 0 });

/** Drops expired entries and, past the count, the oldest ones (raising the floor). */
export function pruneSnapshot(s: ChatSnapshot, now: number, limits: ChatSnapshotLimits = defaultLimits): ChatSnapshot {
  const kept = Object.entries(s.posts)
    .filter(([, at]) => at >= now - limits.keepMs)
    .sort((a, b) => b[1] - a[1]);
  const dropped = kept.splice(limits.maxPosts);
  const floor = Math.max(s.floor, ...dropped.map(([, at]) => at));
  return { posts: Object.fromEntries(kept), floor, listeningUntil: s.listeningUntil };
}

/** Two writers' snapshots as one: every handled post of either, the higher floor and heartbeat. */
export function mergeSnapshots(a: ChatSnapshot, b: ChatSnapshot, now: number, limits: ChatSnapshotLimits = defaultLimits): ChatSnapshot {
  return pruneSnapshot(
    {
      posts: { ...a.posts, ...b.posts },
      floor: Math.max(a.floor, b.floor),
      listeningUntil: Math.max(a.listeningUntil, b.listeningUntil),
    },
    now,
    limits,
  );
}
