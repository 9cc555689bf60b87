/**
 * The storm post end to end (issue 12 "Quiet by design", issue 16's incident storm): the bot as a
 * process watching twelve installations of a namespace of this file, all twelve pods put in a crash
 * loop at once (their status written as the kubelet would), and the posts read back from the real
 * Mattermost `incidents` channel: one storm post listing the twelve, no root each, and a recovered
 * one's resolution as a reply in the storm post's thread.
 */
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { createInstallation } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { writeTrouble } from '../support/pod-troubles.ts';
import { installationPods, isRunningAndReady } from '../support/pods.ts';
import { env, kubeConfig, sandboxEnv, testNamespace } from '../support/sandbox.ts';
import { postText as fullText, type MattermostPost as Post } from '../support/mattermost-post.ts';

const admin = kubeConfig();
const names = Array.from({ length: 12 }, (_, i) => `mm-storm-${i + 1}`);
let namespace = '';
let bot: BotProcess;
const pods = new Map<string, V1Pod>();

/** The bot's posts in `incidents` since then that are about this file's namespace, or in the thread of one that is. */
async function postsAboutUs(since: number): Promise<{ roots: Post[]; replies: Post[] }> {
  const rest = new MattermostRest(env('MM_URL'), env('MM_ADMIN_TOKEN'));
  const list = await rest.call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_INCIDENTS')}/posts?since=${since}`);
  const ours = Object.values(list.posts).filter((p) => p.user_id === env('MM_BOT_USER_ID') && !p.delete_at);
  const roots = ours.filter((p) => !p.root_id && p.create_at >= since && fullText(p).includes(`${namespace}/`));
  return { roots, replies: ours.filter((p) => roots.some((r) => r.id === p.root_id)) };
}

beforeAll(async () => {
  namespace = await testNamespace('storm');
  await Promise.all(
    names.map((name) => createInstallation(admin, { namespace, name, version: '9.9.0', replicas: 1, databaseUrl: env('PGURL'), ingress: false })),
  );
  // The operator reconciles twelve new installations one after the other: wait for all of them, not 60 s each.
  await waitFor(
    async () => {
      const ready = await Promise.all(names.map(async (name) => (await installationPods(admin, namespace, name)).filter(isRunningAndReady)));
      ready.forEach((list, i) => list[0] && pods.set(names[i]!, list[0]));
      return ready.every((list) => list.length === 1) || undefined;
    },
    { what: 'a Running and Ready pod of each of the twelve installations', timeoutMs: 200_000, intervalMs: 1_000 },
  );
  bot = await startBot(sandboxEnv(), {
    MATTEROPS_STATE_NAMESPACE: namespace,
    MATTEROPS_INCIDENTS_CHANNEL: env('MM_CHANNEL_INCIDENTS'),
    MATTEROPS_INCIDENTS_NAMESPACES: namespace,
    MATTEROPS_INCIDENT_HOLD_DOWN: '5s',
  });
}, 280_000);
afterAll(async () => {
  await bot?.stop();
  // Twelve installations keep the shared operator busy: they go with this file's namespace.
  if (namespace) await admin.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
});

describe('an incident storm from the real cluster', () => {
  it('twelve installations crashing at once: one storm post with the list, no root each; a recovery is a reply in its thread', async () => {
    const since = Date.now();
    // Healthy when the bot started: no baseline post.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await postsAboutUs(since)).roots).toEqual([]);

    await Promise.all(names.map((name) => writeTrouble(admin, pods.get(name)!, 'crash-loop')));
    const storm = await waitFor(
      async () => {
        const { roots } = await postsAboutUs(since);
        const found = roots.find((p) => p.message.startsWith('**Incident storm:'));
        return found && names.every((name) => fullText(found).includes(`| ${namespace}/${name} |`)) ? found : undefined;
      },
      { what: 'the storm post listing all twelve', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(storm.message).toMatch(/^\*\*Incident storm: 12 new incidents since /);
    await new Promise((r) => setTimeout(r, 3_000)); // a root would be posted by now
    expect((await postsAboutUs(since)).roots.map((p) => p.id)).toEqual([storm.id]);

    const first = pods.get(names[0]!)!;
    await admin.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace, name: first.metadata?.name ?? '', gracePeriodSeconds: 0 });
    const resolved = await waitFor(
      async () => (await postsAboutUs(since)).replies.find((p) => p.message.startsWith('resolved after') && p.message.includes(`${namespace}/${names[0]}:`)),
      { what: 'the resolution in the storm thread', timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(resolved.root_id).toBe(storm.id);
    expect((await postsAboutUs(since)).roots.map((p) => p.message)).toEqual([storm.message]);
  }, 150_000);
});
