/**
 * A digest as a Reply (issue 13): the header GREEN / WATCH / RED with the counts, then each
 * installation that is not healthy with its details (its open incidents with their age among
 * them), worst first, then one line for each healthy one. The Mattermost and terminal renderers show it as any reply (golden files in
 * test/unit/digest/__golden__).
 */
import type { Digest, DigestLine, Health } from '../model/digest.ts';
import { fields, heading, reply, text, type Block, type Field, type Reply, type Tone } from '../reply.ts';
import { hhmmDay } from '../schedule/check-schedule.ts';
import { digestCard } from './digest-card.ts';
import { incidentText } from './digest-incidents.ts';

const toneOf: Record<Health, Tone> = { red: 'danger', watch: 'warning', green: 'good' };
const word: Record<Health, string> = { red: 'RED', watch: 'WATCH', green: 'GREEN' };

export interface DigestShown {
  /** The zone times are said in. */
  timeZone: string;
  /** What the heading says it is: `Status digest` or `Digest preview`. */
  title: string;
  /** A line under the header: "(delayed 7 min)", "still all green at 09:00 Tue". */
  note?: string;
}

const readyText = (l: DigestLine): string => `${l.ready}/${l.desired ?? '-'}`;

function counts(d: Digest): string {
  if (!d.lines.length) return 'no installations';
  if (d.header === 'green') return `all ${d.lines.length} stable`;
  return (['red', 'watch', 'green'] as const)
    .map((h) => [h, d.lines.filter((l) => l.health === h).length] as const)
    .filter(([, n]) => n > 0)
    .map(([h, n]) => `${n} ${h}`)
    .join(', ');
}

function detail(l: DigestLine, d: Digest): Block[] {
  const rows: Field[] = [
    { label: 'state', value: l.state },
    { label: 'version', value: l.version },
    { label: 'ready', value: readyText(l) },
    { label: 'restarts (24 h)', value: String(l.restarts) },
    { label: 'OOMs (24 h)', value: String(l.ooms) },
    ...(l.incidents ? [{ label: 'open incidents', value: l.incidents.length ? l.incidents.map((x) => incidentText(x, d.at)).join('; ') : 'none' }] : []),
    ...(l.lastBackup !== undefined ? [{ label: 'last backup', value: l.lastBackup }] : []),
    { label: d.since ? 'changed since last digest' : 'changed (24 h)', value: l.changes.length ? l.changes.join('; ') : 'nothing' },
  ];
  return [heading(`${word[l.health]} ${l.namespace}/${l.name}: ${l.verdict}${openCount(l)}`), fields(rows)];
}

/** `, 2 open incidents` after the verdict, which says nothing of them ("stable" under a RED crash loop). */
const openCount = (l: DigestLine): string => {
  const n = l.incidents?.length ?? 0;
  return n ? `, ${n} open incident${n === 1 ? '' : 's'}` : '';
};

const healthyLine = (l: DigestLine): string =>
  `${l.namespace}/${l.name}: ${l.state}, ${l.version}, ${readyText(l)} ready${l.changes.length ? `; changed: ${l.changes.join('; ')}` : ''}`;

export function digestReply(d: Digest, shown: DigestShown): Reply {
  const healthy = d.lines.filter((l) => l.health === 'green');
  const blocks: Block[] = [
    heading(`${word[d.header]}: ${counts(d)}`),
    text(`${shown.title} of ${d.scope} in cluster ${d.cluster}, ${hhmmDay(d.at, shown.timeZone)} ${shown.timeZone}${shown.note ? ` ${shown.note}` : ''}`),
    ...(d.incidentsUnread ? [text('Open incidents are not shown: the incident state could not be read.')] : []),
    ...d.lines.filter((l) => l.health !== 'green').flatMap((l) => detail(l, d)),
    ...(healthy.length
      ? [text(`${healthy.length} ${healthy.length === 1 ? 'installation' : 'installations'} stable:\n${healthy.map((l) => `- ${healthyLine(l)}`).join('\n')}`)]
      : []),
    ...(d.gone.length ? [text(`Gone since the last digest: ${d.gone.join(', ')}`)] : []),
  ];
  return {
    ...reply(toneOf[d.header], ...blocks),
    card: digestCard(d, { tone: toneOf[d.header], title: shown.title, counts: counts(d), note: shown.note }),
  };
}
