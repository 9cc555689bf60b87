/**
 * In the e2e tier because it restarts the shared Mattermost server (files there run one at a time).
 * The notifier against the real Mattermost with its rate limit turned low (20/s, burst 5): a burst
 * of 100 posts arrives complete and in order, the 429s waited out.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MattermostApi } from '../../src/adapters/mattermost/mattermost-api.ts';
import { createMattermostNotifier } from '../../src/adapters/mattermost/mattermost-notifier.ts';
import { systemClock } from '../../src/core/ports/clock.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { restartMattermost } from '../sandbox/sandbox.ts';
import { env } from '../support/sandbox.ts';

const lowLimit = {
  MM_RATELIMITSETTINGS_ENABLE: 'true',
  MM_RATELIMITSETTINGS_PERSEC: '20',
  MM_RATELIMITSETTINGS_MAXBURST: '5',
  MM_RATELIMITSETTINGS_VARYBYUSER: 'true',
};

beforeAll(async () => {
  await restartMattermost(lowLimit);
}, 60_000);
afterAll(async () => {
  await restartMattermost();
}, 60_000);

it('delivers a burst of 100 posts complete and in order under a low rate limit', async () => {
  const api = new MattermostApi(env('MM_URL'), env('MM_BOT_TOKEN'));
  // Sending faster than the limit on purpose: the outbox must meet 429s and wait them out.
  const notifier = createMattermostNotifier({ api, clock: systemClock, logger: silentLogger, userId: env('MM_BOT_USER_ID'), minIntervalMs: 0 });
  const channel = (
    await api.call<{ id: string }>('POST', '/channels', { team_id: env('MM_TEAM_ID'), name: `burst-${Date.now()}`, display_name: 'burst', type: 'O' })
  ).id;
  const sent = await Promise.all(Array.from({ length: 100 }, (_, i) => notifier.postText({ channel }, `burst ${i}`).delivery));
  expect(sent.filter((d) => d.ok)).toHaveLength(100);
  expect(notifier.rateLimited).toBeGreaterThan(0);
  const page = await api.call<{ posts: Record<string, { message: string; type: string; create_at: number }> }>(
    'GET',
    `/channels/${channel}/posts?per_page=200`,
  );
  const posts = Object.values(page.posts).sort((a, b) => a.create_at - b.create_at);
  expect(posts.filter((p) => !p.type).map((p) => p.message)).toEqual(Array.from({ length: 100 }, (_, i) => `burst ${i}`));
}, 120_000);
