/**
 * A digest as a card (card.ts, issue 15): the header and counts the digest post heads with, then
 * every installation worst first (the order build-digest.ts sorted them in), each with its open
 * incidents worded as the post words them.
 */
import type { CardHealth, DigestCard } from '../card.ts';
import type { Digest, Health } from '../model/digest.ts';
import type { Tone } from '../reply.ts';
import { incidentText } from './digest-incidents.ts';

const healthOf: Record<Health, CardHealth> = { red: 'RED', watch: 'WATCH', green: 'GREEN' };

export function digestCard(d: Digest, shown: { tone: Tone; title: string; counts: string; note: string | undefined }): DigestCard {
  const notes = [shown.note, d.incidentsUnread ? 'Open incidents are not shown: the incident state could not be read.' : undefined].filter(Boolean);
  return {
    kind: 'digest',
    tone: shown.tone,
    header: healthOf[d.header],
    title: shown.title,
    counts: shown.counts,
    ...(notes.length ? { note: notes.join(' ') } : {}),
    rows: d.lines.map((l) => ({
      installation: `${l.namespace}/${l.name}`,
      health: healthOf[l.health],
      verdict: l.verdict,
      version: l.version,
      ready: `${l.ready}/${l.desired ?? '-'}`,
      incidents: (l.incidents ?? []).map((x) => incidentText(x, d.at)),
    })),
  };
}
