/**
 * A plan outlives the bot that made it: alice asks for a danger scale, the bot process is stopped
 * and a new one started, and her typed `confirm <code>` to the new one applies the plan. A second
 * confirm of the same code is refused and changes nothing.
 */
import { afterAll, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { readInstallation, waitStable } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, kubeConfig, sandboxEnv } from '../support/sandbox.ts';
import { postText as fullText, type MattermostPost as Post } from '../support/mattermost-post.ts';

const admin = kubeConfig();
const alice = (): MattermostRest => new MattermostRest(env('MM_URL'), env('MM_TOKEN_ALICE'));
let bot: BotProcess | undefined;
afterAll(async () => {
  await bot?.stop();
});

async function slash(command: string): Promise<{ text: string }> {
  return await alice().call('POST', '/commands/execute', { channel_id: env('MM_CHANNEL_OPS'), team_id: env('MM_TEAM_ID'), command });
}
async function botPost(since: number, match: RegExp): Promise<Post> {
  return await waitFor(
    async () => {
      const list = await alice().call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_OPS')}/posts?since=${since}`);
      return Object.values(list.posts).find((p) => p.user_id === env('MM_BOT_USER_ID') && match.test(fullText(p)));
    },
    { what: `a bot post matching ${match}`, timeoutMs: 60_000, intervalMs: 250 },
  );
}
const replicas = async (): Promise<number | undefined> => (await readInstallation(admin, 'chat', 'mattermost')).spec?.replicas;

it('applies a plan confirmed to a bot started after the one that made it, once', async () => {
  bot = await startBot(sandboxEnv());
  let since = Date.now();
  await slash('/k8s scale mattermost 6');
  await botPost(since, /scale chat\/mattermost: done, stable 6\/6/);

  since = Date.now();
  await slash('/k8s scale mattermost 2'); // down by more than half: danger, so a plan to confirm
  const plan = await botPost(since, /scale chat\/mattermost \(danger/);
  const code = /confirm ([0-9a-f]{8})/.exec(fullText(plan))?.[1] ?? '';
  expect(code).toMatch(/^[0-9a-f]{8}$/);

  await bot.stop();
  bot = await startBot(sandboxEnv());
  since = Date.now();
  await slash(`/k8s confirm ${code}`);
  await botPost(since, /scale chat\/mattermost: done, stable 2\/2/);
  expect(await replicas()).toBe(2);

  const again = await slash(`/k8s confirm ${code}`);
  expect(again.text).toContain(`no pending operation ${code}`);
  await waitStable(admin, 'chat', 'mattermost');
  expect(await replicas()).toBe(2);
});
