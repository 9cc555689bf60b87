/**
 * Scheduled digests end to end (issue 13), from chat and the terminal: the bot as a process on the
 * real Mattermost, cluster and operator (test/support/digest-runs.ts). `schedule add` from chat by
 * alice (allowed) and mallory (refused), and by alice aimed at a channel she is not in (refused); a
 * firing posts the digest in the channel it was added in; an installation that breaks flips its
 * digest from GREEN to RED. A restarted bot and two replicas: digests-restart and digests-replicas.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstallation, waitStable } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { as, botPosts, chatDigest, DigestBots, fullText, nthPost } from '../support/digest-runs.ts';
import { env, kubeConfig } from '../support/sandbox.ts';
import { patchInstallation } from '../support/steer.ts';

const admin = kubeConfig();
let bots: DigestBots;

async function slash(tokenVar: string, command: string): Promise<{ text: string }> {
  return await as(tokenVar).call('POST', '/commands/execute', { channel_id: env('MM_CHANNEL_OPS'), team_id: env('MM_TEAM_ID'), command });
}

async function schedulesStored(): Promise<{ id: string; cron: string; owner: { name: string } }[]> {
  const cm = await admin.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: bots.namespace, name: 'matterops-schedules' });
  return (JSON.parse(cm.data?.['all.json'] ?? '{"schedules":[]}') as { schedules: { id: string; cron: string; owner: { name: string } }[] }).schedules;
}

beforeAll(async () => {
  bots = await DigestBots.create('digests');
  await createInstallation(admin, { namespace: bots.namespace, name: 'flip', version: '9.9.0', replicas: 1, databaseUrl: env('PGURL') });
  await waitStable(admin, bots.namespace, 'flip');
  await bots.start();
}, 180_000);
afterAll(async () => {
  await bots.stopAll();
});

describe('scheduled digests', () => {
  it('schedule add from chat: allowed for alice, refused for mallory, kept in the state ConfigMap', async () => {
    const since = Date.now();
    await slash('MM_TOKEN_ALICE', '/k8s schedule add "* * * * *" status mattermost --always');
    // The post's markdown escapes the cron expression's stars.
    await nthPost(since, /Schedule s1 added: a status digest of chat\/mattermost at "(\\?\* ?){5}" \(UTC\) in ~ops/, 1, 60_000);
    const refused = await slash('MM_TOKEN_MALLORY', '/k8s schedule add "0 9 * * *" status all');
    // Mattermost's ephemeral text keeps the zero-width space the bot puts after an @ (no mention).
    expect(refused.text).toMatch(/@\u200b?mallory may not use schedule/);
    // A channel alice is not a member of: from chat, --channel may not aim a digest there.
    const bobs = await as('MM_TOKEN_BOB').call<{ name: string }>('POST', '/channels', {
      team_id: env('MM_TEAM_ID'),
      name: `bobs-${Date.now().toString(36)}`,
      display_name: "bob's",
      type: 'O',
    });
    const elsewhere = await slash('MM_TOKEN_ALICE', `/k8s schedule add "0 9 * * *" status mattermost --channel ${bobs.name}`);
    expect(elsewhere.text).toContain(`you are not a member of a channel ~${bobs.name} the bot is in, so a schedule may not post there`);
    expect((await schedulesStored()).map((s) => [s.id, s.cron, s.owner.name])).toEqual([['s1', '* * * * *', '@alice']]);
  }, 60_000);

  it('a firing posts the digest in the channel the schedule was added in', async () => {
    const post = await nthPost(Date.now(), chatDigest, 1);
    expect(fullText(post)).toContain('chat/mattermost: stable');
  }, 160_000);

  it('an installation that breaks comes first and flips the header (a schedule added from the terminal)', async () => {
    const since = Date.now();
    expect(await bots.terminal(`schedule add "* * * * *" status flip -n ${bots.namespace} --channel ops`)).toContain('Schedule s2 added');
    const green = new RegExp(`Status digest of ${bots.namespace}/flip`);
    const first = await nthPost(since, green, 1);
    expect(first.message).toBe('**GREEN: all 1 stable**');
    // A database Secret that does not exist: the operator reports an error.
    await patchInstallation(admin, bots.namespace, 'flip', { database: { external: { secret: 'no-such-secret' } } });
    const red = await waitFor(async () => (await botPosts(first.create_at, green)).find((p) => p.message.startsWith('**RED')), {
      what: 'a RED digest of flip',
      // The operator's reconcile of the patch took 5 min once, while other suites' installations kept it busy.
      timeoutMs: 360_000,
      intervalMs: 1_000,
    });
    expect(fullText(red)).toMatch(new RegExp(`RED ${bots.namespace}/flip: error: `));
    expect(await bots.terminal('schedule remove s2')).toContain('Schedule s2 removed');
  }, 560_000);
});
