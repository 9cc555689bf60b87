/**
 * An incident root as a card (card.ts, issue 15): the severity, since when, the evidence and the
 * change note the root shows, as data for the plugin's incident card. The thread's replies are not
 * kept in the incident state (thread-document.ts keeps what the root shows now), so the timeline is
 * what the incident itself knows: when it began, and when it resolved.
 */
import type { IncidentCard } from '../card.ts';
import type { Block, Tone } from '../reply.ts';
import type { Incident } from './incident.ts';

/** The change note's words, from the blocks the change note adds to the root (its buttons stay buttons). */
const noteText = (blocks: readonly Block[]): string =>
  blocks
    .flatMap((b) => (b.kind === 'text' || b.kind === 'heading' ? [b.text] : b.kind === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`) : []))
    .join('\n');

function timeline(i: Incident): IncidentCard['timeline'] {
  const opened = { at: i.since.toISOString(), text: `began: ${i.title} (${i.severity})` };
  if (i.state !== 'resolved' || !i.resolvedAt) return [opened];
  return [opened, { at: i.resolvedAt.toISOString(), text: `resolved: ${i.title} no longer seen` }];
}

export function incidentCard(i: Incident, parts: { tone: Tone; headline: string; evidence: IncidentCard['evidence']; note: readonly Block[] }): IncidentCard {
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
    timeline: timeline(i),
    ...(change ? { change } : {}),
  };
}
