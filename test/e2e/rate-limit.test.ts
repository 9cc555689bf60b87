/**
 * In the e2e tier because it restarts the sandbox Mattermost server (files there run one at a
 * time). The notifier against the real Mattermost with its rate limit turned low (20/s, burst 5):
 * a burst of 100 posts over four channels arrives complete and in order per channel, paced by the
 * server's X-RateLimit-* headers (issue 16, item 2), so 429s are the exception: only sends that
 * went out before the first answer told the pacer the limit may meet one, and those are waited out.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MattermostApi } from '../../src/adapters/mattermost/mattermost-api.ts';
import { ServerPacer } from '../../src/adapters/mattermost/server-pacer.ts';
import { createMattermostNotifier } from '../../src/adapters/mattermost/mattermost-notifier.ts';
import { defaultMaxInFlight } from '../../src/adapters/mattermost/outbox.ts';
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

type Page = { posts: Record<string, { message: string; type: string; create_at: number }> };

it('delivers a burst of 100 posts over four channels complete and in order, paced by the server', async () => {
  const pacer = new ServerPacer({ clock: systemClock });
  const api = new MattermostApi(env('MM_URL'), env('MM_BOT_TOKEN'), { onAnswer: (a) => pacer.answered(a) });
  const notifier = createMattermostNotifier({ api, clock: systemClock, logger: silentLogger, userId: env('MM_BOT_USER_ID'), pacer });
  const channels: string[] = [];
  for (let c = 0; c < 4; c++) {
    const made = await api.call<{ id: string }>('POST', '/channels', {
      team_id: env('MM_TEAM_ID'),
      name: `burst-${Date.now()}-${c}`,
      display_name: 'burst',
      type: 'O',
    });
    channels.push(made.id);
  }
  await new Promise((r) => setTimeout(r, 1_000)); // the channel creations' tokens back
  const sent = await Promise.all(Array.from({ length: 100 }, (_, i) => notifier.postText({ channel: channels[i % 4] ?? '' }, `burst ${i}`).delivery));
  expect(sent.filter((d) => d.ok)).toHaveLength(100);
  // Before the first answer the pacer knows no limit: the sends under way then may meet a 429.
  expect(notifier.rateLimited).toBeLessThanOrEqual(defaultMaxInFlight);
  expect(pacer.serverLimit?.size).toBe(6);
  for (const [c, channel] of channels.entries()) {
    const page = await api.call<Page>('GET', `/channels/${channel}/posts?per_page=200`);
    const posts = Object.values(page.posts).sort((a, b) => a.create_at - b.create_at);
    const expected = Array.from({ length: 25 }, (_, i) => `burst ${4 * i + c}`);
    expect(posts.filter((p) => !p.type).map((p) => p.message)).toEqual(expected);
  }
}, 120_000);
