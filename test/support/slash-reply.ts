/** A sandbox user's slash command, and the bot's post that answers it in the channel. */
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { waitFor } from '../sandbox/wait.ts';
import { env } from './sandbox.ts';

interface Post {
  user_id: string;
  message: string;
  props?: { attachments?: { text?: string }[] };
}

const fullText = (p: Post): string => [p.message, ...(p.props?.attachments ?? []).map((a) => a.text ?? '')].join('\n');

/** Runs `command` as the user whose token is in `tokenVar`, in ~ops, and returns the text of the bot's answer matching `answer`. */
export async function slashReply(tokenVar: string, command: string, answer: RegExp, timeoutMs = 30_000): Promise<string> {
  const since = Date.now();
  const channel = env('MM_CHANNEL_OPS');
  await new MattermostRest(env('MM_URL'), env(tokenVar)).call('POST', '/commands/execute', { channel_id: channel, team_id: env('MM_TEAM_ID'), command });
  const admin = new MattermostRest(env('MM_URL'), env('MM_ADMIN_TOKEN'));
  return await waitFor(
    async () => {
      const list = await admin.call<{ posts: Record<string, Post> }>('GET', `/channels/${channel}/posts?since=${since}`);
      return Object.values(list.posts)
        .filter((p) => p.user_id === env('MM_BOT_USER_ID'))
        .map(fullText)
        .find((text) => answer.test(text));
    },
    { what: `the bot's answer to ${command} matching ${answer}`, timeoutMs, intervalMs: 250 },
  );
}
