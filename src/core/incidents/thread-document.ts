/**
 * The incidents' threads as kept in the cluster (StateStore document `incidents/threads`,
 * docs/state.md): every open incident and every one resolved within the cool-down, with its
 * channel, its root post's id once made, and the state last notified. A new leader reads it so it
 * neither reposts an open incident nor forgets to resolve one that cleared while no one watched;
 * a resolved one is kept without its evidence (keptRecord).
 * It also keeps the list posts that stand for several incidents' roots (incident-list.ts) and
 * when a leader last watched (the start-up baseline's gap).
 */
import { z } from 'zod';
import type { StateDocument } from '../ports/state-store.ts';
import { IncidentSchema } from './incident.ts';
import { ListRecordSchema } from './incident-list.ts';
import { LogTailSchema } from './log-tail.ts';
import { TimelineEntrySchema } from './thread-timeline.ts';

export const ThreadRecordSchema = z.object({
  key: z.string(),
  channel: z.string(),
  /** Undefined until the root is made (Mattermost down): a next leader posts it again. */
  rootPostId: z.string().optional(),
  incident: IncidentSchema,
  /** notifiedState() of what the thread shows now. */
  notified: z.string(),
  /** When its root (or its line in a storm post) was made: the storm counts the incidents opened in its window. */
  openedAt: z.coerce.date().optional(),
  /** The list post (incident-list.ts) that stands for its root: its changes are replies there. */
  listedIn: z.string().optional(),
  /** The previous container's log tail its root shows (log-tail.ts), and the id of the file the root carries. */
  logTail: LogTailSchema.optional(),
  /** What the thread has said since the root, oldest first, the newest `timelineKept` (the root's card shows it). */
  timeline: z.array(TimelineEntrySchema).optional(),
});
export type ThreadRecord = z.infer<typeof ThreadRecordSchema>;

export const ThreadsSchema = z.object({
  threads: z.array(ThreadRecordSchema),
  /** The baseline and storm posts whose incidents are still kept. */
  lists: z.array(ListRecordSchema).default([]),
  /** When a leader last said it watches (every quarter of the baseline gap): older than the gap, the next look is a baseline. */
  watchedAt: z.coerce.date().optional(),
});
export type Threads = z.infer<typeof ThreadsSchema>;

export const threadsDocument: StateDocument<Threads> = {
  name: 'incidents/threads',
  schema: ThreadsSchema,
  initial: () => ({ threads: [], lists: [] }),
};

/**
 * A record as the document keeps it. A resolved incident is kept for the cool-down only so a
 * relapse finds its thread (channel, root post id, list, notified state) and a digest can name it
 * (title, since, resolvedAt): its evidence and its alerts are dropped, so the document does not
 * grow with the evidence of everything resolved in the last half hour. A relapse's reply and the
 * edited root show the relapse's own evidence.
 */
export function keptRecord(record: ThreadRecord): ThreadRecord {
  if (record.incident.state !== 'resolved' || (!record.incident.alertGroup && !hasEvidence(record.incident.evidence))) return record;
  const incident = { ...record.incident, evidence: { facts: [], lines: [] } };
  delete incident.alertGroup;
  return { ...record, incident };
}

const hasEvidence = (e: ThreadRecord['incident']['evidence']): boolean => e.facts.length > 0 || e.lines.length > 0;
