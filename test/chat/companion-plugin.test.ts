/**
 * The companion webapp plugin on the real Mattermost (issue 15): `plugin install` uploads, enables
 * and waits until it runs (`running` in /plugins/statuses, its bundle served under /static/plugins/),
 * a second run changes nothing; the bot, seeing it in /plugins/webapp with its own token, posts each
 * card type and reading the posts back gives their type and props (an edit keeps the type); with the
 * plugin disabled, the bot's next check falls back to plain posts.
 *
 * The tarball is the real one `make plugin` builds (dist/). The file leaves the plugin installed and
 * disabled: other tests' bots then post plain posts, as they expect, and none depends on its state.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostApi, type Post } from '../../src/adapters/mattermost/mattermost-api.ts';
import { createMattermostNotifier, type MattermostNotifier } from '../../src/adapters/mattermost/mattermost-notifier.ts';
import { installPlugin, pluginStatus } from '../../src/adapters/mattermost/plugin-install.ts';
import { companionPluginId, createPluginPresence, type PluginPresence } from '../../src/adapters/mattermost/plugin-presence.ts';
import { readPluginManifest } from '../../src/adapters/mattermost/plugin-tarball.ts';
import { ServerPacer } from '../../src/adapters/mattermost/server-pacer.ts';
import { cardPostType, type Card } from '../../src/core/card.ts';
import { progressCard } from '../../src/core/change/change-card.ts';
import { rootReply } from '../../src/core/incidents/incident-replies.ts';
import { deliveredId } from '../../src/core/ports/notifier.ts';
import { systemClock } from '../../src/core/ports/clock.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import type { Reply } from '../../src/core/reply.ts';
import { defaultPluginTarball } from '../../src/plugin-command.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { createHarness } from '../support/core-harness.ts';
import { env } from '../support/sandbox.ts';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'plugin.json'), 'utf8')) as { id: string; version: string };
const admin = (): MattermostApi => new MattermostApi(env('MM_URL'), env('MM_ADMIN_TOKEN'));
const bot = (): MattermostApi => new MattermostApi(env('MM_URL'), env('MM_BOT_TOKEN'));

/** The tarball `make plugin` builds (make test and make test-chat build it first): a missing one fails, never skips. */
function tarball(): string {
  const built = defaultPluginTarball(manifest.version);
  if (!existsSync(built)) throw new Error(`${built} is missing: run make plugin (make test and make test-chat do)`);
  return built;
}

let file = '';
let channel = '';
let presence: PluginPresence;
let notifier: MattermostNotifier;

beforeAll(async () => {
  file = tarball();
  // From nothing, so the first install has something to do (a run before this one may have left it).
  await admin()
    .call('DELETE', `/plugins/${companionPluginId}`)
    .catch(() => undefined);
  channel = (
    await bot().call<{ id: string }>('POST', '/channels', {
      team_id: env('MM_TEAM_ID'),
      name: `cards-${randomBytes(3).toString('hex')}`,
      display_name: 'cards',
      type: 'O',
    })
  ).id;
  presence = createPluginPresence({ activeWebappPlugins: () => bot().webappPlugins(), clock: systemClock, logger: silentLogger, intervalMs: 60_000 });
  const pacer = new ServerPacer({ clock: systemClock });
  notifier = createMattermostNotifier({
    api: new MattermostApi(env('MM_URL'), env('MM_BOT_TOKEN'), { onAnswer: (a) => pacer.answered(a) }),
    clock: systemClock,
    logger: silentLogger,
    userId: env('MM_BOT_USER_ID'),
    pacer,
    cards: () => presence.active(),
  });
});

afterAll(async () => {
  presence.stop();
  notifier.close();
  // Installed and disabled: other tests' bots post plain posts.
  await admin()
    .call('POST', `/plugins/${companionPluginId}/disable`)
    .catch(() => undefined);
});

const readPost = (id: string): Promise<Post> => bot().call<Post>('GET', `/posts/${id}`);

async function posted(reply: Reply): Promise<Post> {
  return readPost(await deliveredId(notifier.post({ channel }, reply)));
}

describe('the companion plugin on the real Mattermost', () => {
  it('plugin install uploads, enables and waits until it runs; its bundle is served; a second run changes nothing', { timeout: 120_000 }, async () => {
    expect((await readPluginManifest(file)).version).toBe(manifest.version);
    const first = await installPlugin({ url: env('MM_URL'), adminToken: env('MM_ADMIN_TOKEN'), file });
    expect(first.changes).toEqual([`uploaded version ${manifest.version}`, 'enabled it']);
    expect(first.status).toMatchObject({ version: manifest.version, enabled: true, state: 'running' });
    const statuses = await admin().call<{ plugin_id: string; state: number }[]>('GET', '/plugins/statuses');
    expect(statuses.find((s) => s.plugin_id === companionPluginId)?.state).toBe(2);

    // Any session reads the active webapp plugins (the web app loads them from there): the bot's token too.
    const webapp = await bot().call<{ id: string; webapp?: { bundle_path: string } }[]>('GET', '/plugins/webapp');
    const bundlePath = webapp.find((p) => p.id === companionPluginId)?.webapp?.bundle_path ?? '';
    expect(bundlePath).toMatch(new RegExp(`^/static/${companionPluginId}/${companionPluginId}_[0-9a-f]+_bundle\\.js$`));
    const bundle = await fetch(`${env('MM_URL')}${bundlePath.replace('/static/', '/static/plugins/')}`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(0);

    const second = await installPlugin({ url: env('MM_URL'), adminToken: env('MM_ADMIN_TOKEN'), file });
    expect(second.changes).toEqual([]);
    expect(second.status).toMatchObject({ version: manifest.version, enabled: true, state: 'running' });
  });

  it('the bot posts each card type while it is active, and the server keeps type and props; an edit keeps the type', { timeout: 60_000 }, async () => {
    expect(await presence.check()).toBe(true);
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    h.gateway.seed('team-b', 'mattermost-b', { replicas: 1, state: 'reconciling' });
    const status = (await h.run('status mattermost -n chat')).reply;
    const digest = (await h.run('digest')).reply;
    const incident = rootReply({
      key: 'crash-loop:chat/mattermost:mattermost',
      source: 'rules',
      installation: { namespace: 'chat', name: 'mattermost' },
      rule: 'crash-loop',
      severity: 'critical',
      title: 'container mattermost is crash-looping (1 pod)',
      since: new Date(Date.now() - 7 * 60_000),
      affected: ['mattermost-0'],
      evidence: { facts: [{ label: 'exit code', value: '137' }], lines: [] },
      state: 'open',
    });
    for (const reply of [status, digest, incident]) {
      expect(reply.card).toBeDefined();
      const card = reply.card as Card;
      const post = await posted(reply);
      expect(post.type).toBe(cardPostType(card.kind));
      expect(post.props?.matterops).toEqual({ v: 1, card: JSON.parse(JSON.stringify(card)) as unknown });
      expect(post.message).not.toBe('');
      expect(post.props?.attachments).toBeDefined();
    }

    const header = { tone: 'info' as const, installation: '', title: 'scale mattermost 3', requester: '@alice' };
    const progress = notifier.postText({ channel }, 'scale mattermost 3: applying', progressCard(header, ['applied: replicas 2 -> 3']));
    const id = await deliveredId(progress);
    await notifier.editText(progress, 'scale mattermost 3: waiting', undefined, progressCard(header, ['applied: replicas 2 -> 3', 'reconciling 2/3']));
    const edited = await readPost(id);
    expect(edited.type).toBe('custom_matterops_change');
    expect(edited.message).toBe('scale mattermost 3: waiting');
    expect((edited.props?.matterops as { card: { steps: { state: string }[] } }).card.steps.map((s) => s.state)).toEqual(['done', 'running']);
  });

  it('disabled, the bot falls back to plain posts after its next check', { timeout: 60_000 }, async () => {
    await admin().call('POST', `/plugins/${companionPluginId}/disable`);
    expect((await pluginStatus(admin(), companionPluginId)).enabled).toBe(false);
    expect(presence.active()).toBe(true); // until it checks
    expect(await presence.check()).toBe(false);
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const post = await posted((await h.run('status mattermost -n chat')).reply);
    expect(post.type).toBe('');
    expect(post.props?.matterops).toBeUndefined();
    expect(post.message).toContain('chat/mattermost');
  });
});
