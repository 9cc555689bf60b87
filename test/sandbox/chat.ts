/**
 * `make chat AS=alice CMD='/k8s status mattermost'`: runs a command as a sandbox user, through the
 * Mattermost API as a client would, and prints what the bot answered (for people without a browser).
 * CMD may be a slash command or a message such as '@matterops status mattermost'.
 */
import { readEnvFile } from './env-file.ts';
import { MattermostRest } from './mattermost-rest.ts';
import { envPath } from './paths.ts';

interface Post {
  id: string;
  message: string;
  user_id: string;
  root_id: string;
  create_at: number;
  props?: { attachments?: { text?: string }[] };
}

const env = readEnvFile(envPath);
const [who = 'alice', command = '/k8s help', channelName = 'ops'] = process.argv.slice(2);
const token = env[`MM_TOKEN_${who.toUpperCase()}`];
if (!token) throw new Error(`no sandbox user "${who}": use alice, bob or mallory`);
const user = new MattermostRest(env.MM_URL ?? '', token);
const channel = env[`MM_CHANNEL_${channelName.toUpperCase().replace('-', '_')}`] ?? '';
const since = Date.now();
if (command.startsWith('/')) {
  const response = await user.call<{ text?: string }>('POST', '/commands/execute', { channel_id: channel, team_id: env.MM_TEAM_ID, command });
  if (response.text) console.log(`(only you see) ${response.text}\n`);
} else {
  await user.call('POST', '/posts', { channel_id: channel, message: command });
}
// The bot answers at once or edits a progress post until the operation ends: show the latest.
let last = '';
for (let i = 0; i < 40; i++) {
  await new Promise((r) => setTimeout(r, 500));
  const list = await user.call<{ posts: Record<string, Post> }>('GET', `/channels/${channel}/posts?since=${since}`);
  const fromBot = Object.values(list.posts)
    .filter((p) => p.user_id === env.MM_BOT_USER_ID)
    .sort((a, b) => a.create_at - b.create_at);
  const text = fromBot
    .map((p) => [`${p.root_id ? '  (in thread) ' : ''}${p.message}`, ...(p.props?.attachments ?? []).map((a) => a.text ?? '')].join('\n'))
    .join('\n---\n');
  if (text && text === last && !/hourglass/.test(text)) break;
  last = text;
}
console.log(last || '(no answer from the bot: is make run going?)');
