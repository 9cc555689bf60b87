/**
 * The one post a channel gets when its quiet hours end (or are turned off during them): what
 * happened while quiet, one line per incident (opened, still open, resolved), like the unmute
 * summary and not a replay of the held posts.
 */
import { reply, table, text, type Reply } from '../reply.ts';
import { heldCounted, type QuietItem, type QuietPeriod } from './quiet-hours.ts';
import { spoken } from './incident-replies.ts';

const stateOf = (i: QuietItem): string => (i.state === 'resolved' ? 'RESOLVED' : i.severity.toUpperCase());

function whileQuiet(i: QuietItem): string {
  const resolved = i.state === 'resolved' && i.resolvedAt ? `resolved after ${spoken(i.resolvedAt.getTime() - i.since.getTime())}` : undefined;
  if (i.opened) return resolved ? `opened, ${resolved}` : 'opened, still open';
  return resolved ?? 'changed, still open';
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `why`: the hours ended (the leader noticed) or someone turned them off. */
export function quietSummary(period: QuietPeriod, hours: string, why: 'ended' | 'turned off'): Reply {
  const items = period.items;
  const open = items.filter((i) => i.state === 'open');
  const opened = items.filter((i) => i.opened).length;
  const resolved = items.filter((i) => i.state === 'resolved').length;
  const tone = open.some((i) => i.severity === 'critical') ? 'danger' : open.length ? 'warning' : 'good';
  const more = period.more.length;
  const moreText = more ? ` ${more >= heldCounted ? 'More than ' : ''}${plural(more, 'more incident')} changed too, not listed.` : '';
  return reply(
    tone,
    text(
      `Quiet hours ${why} (${hours}). While quiet: ${opened} opened, ${resolved} resolved; ${open.length} still open.${moreText}` +
        // A warning that opened while quiet has no root yet (a critical one has).
        (open.some((i) => i.opened && i.severity === 'warning') ? ' A warning opened while quiet gets its thread at its next change.' : ''),
    ),
    table(
      ['state', 'installation', 'incident', 'while quiet'],
      [...open, ...items.filter((i) => i.state !== 'open')].map((i) => [stateOf(i), i.where, i.title, whileQuiet(i)]),
    ),
  );
}
