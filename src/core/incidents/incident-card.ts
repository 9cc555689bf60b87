/**
 * An incident root as a card (card.ts, issue 15): the severity, since when, the evidence, the
 * previous container's log and the change note the root shows, as data for the plugin's incident card. Its timeline is when the
 * incident began, then what its thread said (thread-timeline.ts, kept with the thread); a root
 * made without a thread record (a thread kept before timelines were) knows only when it began and resolved.
 */
import type { CardLogTail, IncidentCard } from '../card.ts';
import type { Block, Tone } from '../reply.ts';
import type { Incident } from './incident.ts';
import type { LogTail } from './log-tail.ts';
import type { TimelineEntry } from './thread-timeline.ts';

/** The change note's words, from the blocks the change note adds to the root (its buttons stay buttons). */
const noteText = (blocks: readonly Block[]): string =>
  blocks
    .flatMap((b) => (b.kind === 'text' || b.kind === 'heading' ? [b.text] : b.kind === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`) : []))
    .join('\n');

/** The tail as the root shows it (logTailBlocks): its lines, or why there are none. */
const cardLogTail = (t: LogTail): CardLogTail =>
  t.shown
    ? { pod: t.pod, container: t.container, lines: t.shown.split('\n'), ...(t.cut ? { cut: true } : {}) }
    : { pod: t.pod, container: t.container, unavailable: t.unavailable ?? 'not read' };

function timeline(i: Incident, thread: readonly TimelineEntry[] | undefined): IncidentCard['timeline'] {
  if (thread) return thread.map((e) => ({ at: e.at.toISOString(), text: e.text }));
  const opened = { at: i.since.toISOString(), text: `began: ${i.title} (${i.severity})` };
  if (i.state !== 'resolved' || !i.resolvedAt) return [opened];
  return [opened, { at: i.resolvedAt.toISOString(), text: `resolved: ${i.title} no longer seen` }];
}

export interface IncidentCardParts {
  tone: Tone;
  headline: string;
  evidence: IncidentCard['evidence'];
  note: readonly Block[];
  /** The previous container's log the root shows; absent for an incident that names none. */
  logTail?: LogTail;
  /** When it began and what the thread said, oldest first (thread-timeline.ts); absent without a thread record. */
  timeline?: readonly TimelineEntry[];
}

export function incidentCard(i: Incident, parts: IncidentCardParts): IncidentCard {
  const change = noteText(parts.note);
  return {
    kind: 'incident',
    tone: parts.tone,
    severity: i.severity,
    ...(i.installation ? { installation: `${i.installation.namespace}/${i.installation.name}` } : {}),
    headline: parts.headline,
    since: i.since.toISOString(),
    ...(i.state === 'resolved' && i.resolvedAt ? { resolvedAt: i.resolvedAt.toISOString() } : {}),
    evidence: parts.evidence,
    timeline: timeline(i, parts.timeline),
    ...(change ? { change } : {}),
    ...(parts.logTail ? { logTail: cardLogTail(parts.logTail) } : {}),
  };
}
