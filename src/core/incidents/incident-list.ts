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
  items: z.array(ListItemSchema),
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
