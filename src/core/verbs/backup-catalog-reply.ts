/** The catalog as `backups <name>` shows it: newest first, with the state of each backup. */
import type { CatalogRow } from '../model/backup-catalog.ts';
import type { Installation } from '../model/installation.ts';
import { heading, reply, table, text, type Reply } from '../reply.ts';
import { formatBytes } from '../text/bytes.ts';
import { formatAge } from '../text/duration.ts';

const stateShown = (row: CatalogRow): string => {
  if (row.state === 'verified' && row.verifiedAt) return `verified ${row.verifiedAt.toISOString().slice(0, 10)}`;
  if (row.reason) return `${row.state}: ${row.reason}`;
  return row.leftover ? `${row.state} (leftover: prune removes it)` : row.state;
};

export function catalogReply(installation: Installation, location: string, rows: CatalogRow[], now: Date): Reply {
  const title = heading(`backups of ${installation.namespace}/${installation.name} (${location})`);
  if (!rows.length) return reply('info', title, text(`none yet: backup ${installation.name} makes one`));
  const lines = rows.map((r) => [
    r.id,
    `${formatAge(now.getTime() - r.time.getTime())} ago`,
    r.sizeBytes === undefined ? '-' : formatBytes(r.sizeBytes),
    r.requestedBy ?? '-',
    r.note ?? '',
    stateShown(r),
  ]);
  const tone = rows[0]?.state === 'failed' || rows[0]?.state === 'dump missing' ? 'warning' : 'info';
  return reply(tone, title, table(['id', 'age', 'size', 'by', 'note', 'state'], lines));
}
