/**
 * An incident thread's timeline: one line per reply the thread keeper posted (an update, the
 * resolution, a relapse), with its time, kept with the thread (thread-document.ts) so the root's
 * card (incident-card.ts) shows what the thread said, and a new leader's edits show it too. Only the
 * newest are kept: a flapping incident's document must not grow with every reply.
 */
import { z } from 'zod';
import type { Reply } from '../reply.ts';
import type { Incident } from './incident.ts';

export const TimelineEntrySchema = z.object({ at: z.coerce.date(), text: z.string() });
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

/** How many of a thread's replies its record keeps. */
export const timelineKept = 20;

/** A reply's first line of text: what the timeline says of it (`now: ... (critical)`, `resolved after 7 min: ...`). */
function firstLine(r: Reply): string {
  for (const b of r.blocks) if (b.kind === 'text' || b.kind === 'heading') return b.text.split('\n')[0] ?? '';
  return '';
}

/** The most characters an entry keeps (an ellipsis ends a longer one): 20 entries per record, hundreds of records in one 512 KiB group. */
export const timelineEntryChars = 200;

const capped = (text: string): string => (text.length <= timelineEntryChars ? text : `${text.slice(0, timelineEntryChars - 1)}…`);

/** A new thread's timeline: when the incident began, as its root said. */
export const began = (incident: Pick<Incident, 'since' | 'title' | 'severity'>): TimelineEntry[] => [
  { at: incident.since, text: capped(`began: ${incident.title} (${incident.severity})`) },
];

/** The timeline with a reply posted at `at` added, the oldest dropped past `timelineKept`. */
export function withReply(timeline: readonly TimelineEntry[] | undefined, at: Date, posted: Reply): TimelineEntry[] {
  const all = [...(timeline ?? []), { at, text: capped(firstLine(posted)) }];
  // The beginning stays: it says what the incident was when its root was made.
  return all.length <= timelineKept ? all : [...all.slice(0, 1), ...all.slice(-(timelineKept - 1))];
}
