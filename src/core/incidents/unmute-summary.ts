/** The one post an unmute makes: what is open on the installation now, each incident on a line. */
import { reply, table, text, type Reply } from '../reply.ts';
import { spoken } from './incident-replies.ts';
import type { ThreadRecord } from './thread-document.ts';

export function unmuteSummary(installation: string, open: readonly ThreadRecord[], now: Date, why: 'unmuted' | 'mute expired'): Reply {
  if (!open.length) return reply('good', text(`${installation}: ${why}; no incident is open.`));
  const worst = open.some((t) => t.incident.severity === 'critical') ? 'danger' : 'warning';
  return reply(
    worst,
    text(`${installation}: ${why}; ${open.length} incident${open.length > 1 ? 's' : ''} open:`),
    table(
      ['severity', 'incident', 'for'],
      open.map((t) => [t.incident.severity, t.incident.title, spoken(now.getTime() - t.incident.since.getTime())]),
    ),
  );
}
