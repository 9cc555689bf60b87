/**
 * The posts of a list (incident-list.ts): the list itself, edited whenever one of its incidents
 * changes or another joins, and the replies in its thread for a listed incident's change, its
 * resolution and its relapse (they name the installation: the thread is shared).
 */
import { heading, reply, table, text, type Reply, type Tone } from '../reply.ts';
import { count } from './finding.ts';
import type { IncidentChange } from './incident-change.ts';
import type { ListItem, ListRecord } from './incident-list.ts';
import { spoken, utcTime } from './incident-replies.ts';

/** How many incidents a list post shows before "and N more" (open ones first). */
export const listShown = 20;

export interface ListWording {
  stormCount: number;
  stormWindowMs: number;
}

const toneOf = (items: readonly ListItem[]): Tone => {
  const open = items.filter((i) => i.state === 'open');
  return open.some((i) => i.severity === 'critical') ? 'danger' : open.length ? 'warning' : 'good';
};

const row = (i: ListItem): string[] =>
  i.state === 'resolved'
    ? ['RESOLVED', i.where, i.title, `resolved after ${spoken((i.resolvedAt ?? i.since).getTime() - i.since.getTime())}`]
    : [i.severity.toUpperCase(), i.where, i.title, utcTime(i.since)];

export function listReply(list: ListRecord, w: ListWording): Reply {
  // Items the threads document no longer keeps (incident-list.ts `trimmed`) still count.
  const n = list.items.length + list.more;
  const title =
    list.kind === 'baseline'
      ? `${count(n, 'problem')} ${n === 1 ? 'was' : 'were'} already present when matterops started watching`
      : `Incident storm: ${count(n, 'new incident')} since ${utcTime(list.at)}`;
  const why =
    list.kind === 'baseline'
      ? 'Each is tracked as an incident without a thread of its own: its changes and its resolution are replies to this post.'
      : `More than ${w.stormCount} new incidents within ${spoken(w.stormWindowMs)}: each is listed here instead of a thread of its own, and its changes and its resolution are replies to this post.`;
  // Open ones first, each group in the order they came: what still needs someone is never cut off.
  const ordered = [...list.items.filter((i) => i.state === 'open'), ...list.items.filter((i) => i.state !== 'open')];
  const more = n - listShown;
  return reply(
    toneOf(list.items),
    heading(title),
    text(why),
    table(['state', 'installation', 'incident', 'since'], ordered.slice(0, listShown).map(row)),
    ...(more > 0 ? [text(`and ${more} more`)] : []),
  );
}

/** A listed incident's change, as a reply in the list's thread. */
export function listChangeReply(change: IncidentChange): Reply {
  const i = change.incident;
  const where = i.installation ? `${i.installation.namespace}/${i.installation.name}` : i.key;
  const tone: Tone = i.severity === 'critical' ? 'danger' : 'warning';
  switch (change.kind) {
    case 'updated':
      return reply(tone, text(`now: ${where}: ${i.title} (${i.severity})`));
    case 'resolved':
      return reply('good', text(`resolved after ${spoken((i.resolvedAt ?? i.since).getTime() - i.since.getTime())}: ${where}: ${i.title} no longer seen`));
    case 'opened':
    case 'reopened':
      return reply(tone, text(`relapsed: ${where}: ${i.title} (${i.severity})`));
  }
}
