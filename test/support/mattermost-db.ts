/** Reads the sandbox Mattermost's own database (PostgreSQL), for what no API shows: button contexts, edit history. */
import { execFileSync } from 'node:child_process';
import { env } from './sandbox.ts';

/** One SQL statement against the `mattermost` database; rows as tab-separated lines. */
export function mattermostSql(sql: string): string {
  return execFileSync(
    'psql',
    ['-h', '127.0.0.1', '-p', env('PORT_POSTGRES'), '-U', 'postgres', '-d', 'mattermost', '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
    .toString()
    .trim();
}

/** The integration context Mattermost keeps (server-side only) for a post's button. */
export function buttonContext(postId: string, actionId: string): Record<string, string> {
  if (!/^[a-z0-9]{26}$/.test(postId)) throw new Error(`not a post id: ${postId}`);
  const props = JSON.parse(mattermostSql(`select props from posts where id = '${postId}'`)) as {
    attachments?: { actions?: { id: string; integration?: { context?: Record<string, string> } }[] }[];
  };
  const context = props.attachments?.flatMap((a) => a.actions ?? []).find((a) => a.id === actionId)?.integration?.context;
  if (!context) throw new Error(`post ${postId} has no ${actionId} button`);
  return context;
}
