/**
 * A change, then a crash (issue 12, change-aware roots): alice scales this file's installation
 * from chat, one of its pods then crash-loops (its status written as the kubelet would), and the
 * incident's root in the real Mattermost names her change, its undo and an Undo button. Bob, who
 * may not scale, clicks it: he is told privately, nothing is planned or changed. Alice clicks it:
 * a plan asks for her Confirm in the root's thread (a click never applies by itself, though a
 * typed scale by one would), and once confirmed the installation is scaled back.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { createInstallation, readInstallation, waitStable } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { writeTrouble } from '../support/pod-troubles.ts';
import { waitForReadyPods } from '../support/pods.ts';
import { policyWithOperator } from '../support/operator-policy.ts';
import { env, kubeConfig, sandboxEnv, testNamespace } from '../support/sandbox.ts';
import { openUserSocket, type UserSocket } from '../support/user-socket.ts';
import type { MattermostPost as Post } from '../support/mattermost-post.ts';

const admin = kubeConfig();
const name = 'mm-undo';
let namespace = '';
let bot: BotProcess;
let bob: UserSocket;

const as = (tokenVar: string): MattermostRest => new MattermostRest(env('MM_URL'), env(tokenVar));
// The bot breaks every `@` in its posts with an invisible U+200B (escape-markdown.ts): read without it.
const fullText = (p: Post): string => [p.message, ...(p.props?.attachments ?? []).map((a) => a.text ?? '')].join('\n').replaceAll('\u200B', '');
async function botPosts(since: number): Promise<Post[]> {
  const list = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_INCIDENTS')}/posts?since=${since}`);
  return Object.values(list.posts).filter((p) => p.user_id === env('MM_BOT_USER_ID'));
}
const botPost = (since: number, what: string, match: (p: Post) => boolean, timeoutMs = 30_000): Promise<Post> =>
  waitFor(async () => (await botPosts(since)).find(match), { what, timeoutMs, intervalMs: 250 });
const replicas = async (): Promise<number | undefined> => (await readInstallation(admin, namespace, name)).spec?.replicas;
const click = (tokenVar: string, post: Post, action: string): Promise<unknown> => as(tokenVar).call('POST', `/posts/${post.id}/actions/${action}`, {});
const buttonsOf = (p: Post): string[] => (p.props?.attachments?.[0]?.actions ?? []).map((a) => a.name);

beforeAll(async () => {
  namespace = await testNamespace('change-note');
  await createInstallation(admin, { namespace, name, version: '9.9.0', replicas: 1, databaseUrl: env('PGURL'), ingress: false });
  await waitStable(admin, namespace, name);
  await waitForReadyPods(admin, namespace, name, 1);
  // The sandbox policy (bob only reads), and alice as operator in this file's namespace too.
  const policy = policyWithOperator(namespace);
  bot = await startBot(sandboxEnv(), {
    MATTEROPS_POLICY: policy,
    MATTEROPS_STATE_NAMESPACE: namespace,
    MATTEROPS_INCIDENTS_CHANNEL: env('MM_CHANNEL_INCIDENTS'),
    MATTEROPS_INCIDENTS_NAMESPACES: namespace,
    MATTEROPS_INCIDENT_HOLD_DOWN: '5s',
  });
  bob = await openUserSocket(env('MM_URL'), env('MM_TOKEN_BOB'));
}, 150_000);
afterAll(async () => {
  bob?.close();
  await bot?.stop();
  // The installation goes with this file's namespace: the shared operator reconciles no leftovers.
  if (namespace) await admin.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
});

describe('a change, then a crash', () => {
  it('the root names the change and Undo; bob may not use it; alice confirms it and the installation is scaled back', async () => {
    const since = Date.now();
    await as('MM_TOKEN_ALICE').call('POST', '/commands/execute', {
      channel_id: env('MM_CHANNEL_INCIDENTS'),
      team_id: env('MM_TEAM_ID'),
      command: `/k8s scale ${name} 2 -n ${namespace}`,
    });
    await botPost(since, 'the scale outcome', (p) => fullText(p).includes(`scale ${namespace}/${name}: done, stable 2/2`), 60_000);
    const [pod] = await waitForReadyPods(admin, namespace, name, 2);
    await writeTrouble(admin, pod!, 'crash-loop');

    const root = await botPost(
      since,
      'the crash loop root with its Undo button',
      (p) => !p.root_id && p.message.startsWith(`**CRITICAL ${namespace}/${name}:`) && buttonsOf(p).length > 0,
    );
    expect(fullText(root)).toMatch(
      new RegExp(`Began \\d+ (s|min) after @alice's scale \\(replicas 1 -> 2\\), applied \\d\\d:\\d\\d UTC via mattermost ~incidents\\.`),
    );
    expect(fullText(root)).toContain(`To undo it: scale ${name} 1 -n ${namespace} --cluster sandbox-bot`);
    expect(buttonsOf(root)).toEqual(['Undo']);

    // Bob reads only: his click is refused to him alone, and nothing is planned or changed.
    const bobSince = Date.now();
    await click('MM_TOKEN_BOB', root, 'undo');
    expect(await bob.waitForEphemeral(/@bob may not use scale/)).toBeTruthy();
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await botPosts(bobSince)).filter((p) => p.root_id === root.id)).toEqual([]);
    expect(await replicas()).toBe(2);

    // Alice's click plans the undo in the root's thread and waits for her Confirm.
    await click('MM_TOKEN_ALICE', root, 'undo');
    const plan = await botPost(since, 'the undo plan with its buttons', (p) => p.root_id === root.id && buttonsOf(p).includes('Confirm'));
    expect(fullText(plan)).toContain('replicas 2 -> 1');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await replicas()).toBe(2);
    await click('MM_TOKEN_ALICE', plan, 'confirm');
    const outcome = await botPost(since, 'the undo outcome', (p) => fullText(p).includes(`scale ${namespace}/${name}: done, stable 1/1`), 60_000);
    expect(outcome.root_id).toBe(root.id);
    expect(await replicas()).toBe(1);
  }, 180_000);
});
