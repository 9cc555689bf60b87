/**
 * A list post (issue 12, "Quiet by design"): one post that stands for several incidents instead of
 * a root each, and is their shared thread. Two kinds: the start-up `baseline` (the problems a
 * watcher finds already there when no leader watched within the gap) and the `storm` (more new
 * incidents across the cluster in a short window than anyone reads one by one). Kept in the
 * threads document (thread-document.ts) beside the incidents it lists, which point at it with
 * `listedIn`, so a new leader neither posts their roots nor forgets their resolutions.
 */
import { z } from 'zod';
import { severities, type Incident } from './incident.ts';

/** One listed incident as the post shows it, kept so its line survives the incident's own record. */
export const ListItemSchema = z.object({
  key: z.string(),
  /** `namespace/name`. */
  where: z.string(),
  severity: z.enum(severities),
  title: z.string(),
  state: z.enum(['open', 'resolved']),
  since: z.coerce.date(),
  resolvedAt: z.coerce.date().optional(),
});
export type ListItem = z.infer<typeof ListItemSchema>;

export const ListRecordSchema = z.object({
  /** `<kind>:<channel>:<when it began>`. */
  id: z.string(),
  kind: z.enum(['baseline', 'storm']),
  channel: z.string(),
  /** Undefined until the post is made. */
  rootPostId: z.string().optional(),
  /** When the post began. */
  at: z.coerce.date(),
  /** When an incident was last added: a storm goes on while incidents keep coming within its window. */
  lastAddedAt: z.coerce.date(),
  /** At most `listKept`, open ones kept first; the rest are counted in `more`. */
  items: z.array(ListItemSchema),
  /** Incidents listed once and no longer itemised (forgotten after the cool-down, or over `listKept`): counted, not shown. */
  more: z.number().int().min(0).default(0),
});
export type ListRecord = z.infer<typeof ListRecordSchema>;

export const itemOf = (i: Incident): ListItem => ({
  key: i.key,
  where: i.installation ? `${i.installation.namespace}/${i.installation.name}` : i.key,
  severity: i.severity,
  title: i.title,
  state: i.state,
  since: i.since,
  ...(i.resolvedAt ? { resolvedAt: i.resolvedAt } : {}),
});

/** A storm still going on at `now` (an incident added within the window), in this channel or in any. */
export const isStorming = (l: ListRecord, now: Date, windowMs: number, channel?: string): boolean =>
  l.kind === 'storm' && now.getTime() - l.lastAddedAt.getTime() < windowMs && (channel === undefined || l.channel === channel);

/**
 * How many incidents a list keeps as items in the threads document. A long storm would otherwise
 * grow its list without end in the one ConfigMap (512 KiB) that also holds every thread; when an
 * update of it fails, its changes fall back to a root each, the flood the list is there to prevent.
 * The post shows far fewer (list-replies.ts), so nothing shown is lost.
 */
export const listKept = 200;

/**
 * The list as it is kept: without the items whose incident is no longer kept (`kept`), and at most
 * `listKept` of the rest, open ones first (what still needs someone stays on the post); each item
 * it drops is counted in `more`, so the post's count stays true.
 */
export function trimmed(l: ListRecord, kept: (key: string) => boolean): ListRecord {
  const live = l.items.filter((i) => kept(i.key));
  const ranked = [...live.filter((i) => i.state === 'open'), ...live.filter((i) => i.state !== 'open')];
  const keep = new Set(ranked.slice(0, listKept));
  const items = live.filter((i) => keep.has(i));
  return items.length === l.items.length ? l : { ...l, items, more: l.more + l.items.length - items.length };
}
