/**
 * The posts of an incident's thread, in the core's reply model (rendered per platform): the root,
 * edited to the current state whenever it changes, and the replies for an update, a resolution
 * and a relapse. The root carries no relative time ("5 min ago" would go stale in an edited post).
 */
import { code, fields, heading, reply, text, type Block, type Field, type Reply, type Tone } from '../reply.ts';
import type { Incident } from './incident.ts';
import { alertBlocks } from './alertmanager/alert-replies.ts';
import { incidentCard } from './incident-card.ts';
import { logTailBlocks, type LogTail } from './log-tail.ts';
import type { TimelineEntry } from './thread-timeline.ts';

/** How many affected objects a root names before "and N more". */
const affectedShown = 10;

const toneOf = (i: Incident): Tone => (i.state === 'resolved' ? 'good' : i.severity === 'critical' ? 'danger' : 'warning');

/** `2026-11-27 09:00:05 UTC`. */
export const utcTime = (d: Date): string => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** `45 s`, `7 min`, `2 h 5 min`, `3 d 4 h`. */
export function spoken(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${Math.floor(h / 24)} d`;
}

/** The installation, else for an alert group about none just Alertmanager (its key, the groupKey, reads badly). */
const where = (i: Incident): string =>
  i.installation ? `${i.installation.namespace}/${i.installation.name}` : i.source === 'alertmanager' ? 'Alertmanager' : i.key;

const affectedText = (i: Incident): string =>
  i.affected.length > affectedShown ? `${i.affected.slice(0, affectedShown).join(', ')} and ${i.affected.length - affectedShown} more` : i.affected.join(', ');

/** The heading every post of the thread starts with. */
export const incidentHeadline = (i: Incident): string => `${i.state === 'resolved' ? 'RESOLVED' : i.severity.toUpperCase()} ${where(i)}: ${i.title}`;

/**
 * What a caller adds to the root: the previous container's log, extra lines (the change-aware
 * note), and for its card what the thread said. The log tail is its own field: the card shows it as
 * a log, while `blocks` become the card's change note.
 */
export interface RootExtras {
  logTail?: LogTail;
  blocks?: Block[];
  timeline?: readonly TimelineEntry[];
}

export function rootReply(i: Incident, extras: RootExtras = {}): Reply {
  const timing: Field[] = [{ label: 'since', value: utcTime(i.since) }];
  if (i.state === 'resolved' && i.resolvedAt)
    timing.push({ label: 'resolved', value: `${utcTime(i.resolvedAt)}, after ${spoken(i.resolvedAt.getTime() - i.since.getTime())}` });
  const described: Field[] = [
    { label: 'rule', value: i.rule },
    ...(i.affected.length ? [{ label: 'affected', value: affectedText(i) }] : []),
    ...i.evidence.facts,
  ];
  const facts: Field[] = [...timing, ...described];
  const tone = toneOf(i);
  const alerts = i.alertGroup ? alertBlocks(i.alertGroup, i.state === 'resolved') : [];
  // The card's evidence: the root's facts but its times (the card shows them itself), its warning lines and alerts.
  const evidence = [
    ...described,
    ...i.evidence.lines.map((line) => ({ label: 'warning', value: line })),
    ...alerts.flatMap((b) => (b.kind === 'code' ? b.text.split('\n').map((line) => ({ label: 'alert', value: line })) : [])),
  ];
  return {
    ...reply(
      tone,
      heading(incidentHeadline(i)),
      fields(facts),
      ...(i.evidence.lines.length ? [text('Recent warnings:'), code(i.evidence.lines.join('\n'))] : []),
      ...alerts,
      ...logTailBlocks(extras.logTail),
      ...(extras.blocks ?? []),
    ),
    card: incidentCard(i, {
      tone,
      headline: incidentHeadline(i),
      evidence,
      note: extras.blocks ?? [],
      ...(extras.logTail ? { logTail: extras.logTail } : {}),
      ...(extras.timeline ? { timeline: extras.timeline } : {}),
    }),
  };
}

export const updateReply = (i: Incident): Reply =>
  reply(toneOf(i), text(`now: ${i.title} (${i.severity})`), fields(i.affected.length ? [{ label: 'affected', value: affectedText(i) }] : []));

export const resolvedReply = (i: Incident): Reply =>
  reply('good', text(`resolved after ${spoken((i.resolvedAt ?? i.since).getTime() - i.since.getTime())}: ${i.title} no longer seen`));

export const reopenedReply = (i: Incident): Reply => reply(toneOf(i), text(`relapsed: ${i.title} (${i.severity}), the same incident as above`));
