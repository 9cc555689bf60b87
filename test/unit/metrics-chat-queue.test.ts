/**
 * The chat queue's metrics as serve wires them (src/serve.ts): the outbox depth gauge and the
 * rate-limited counter are read from the Mattermost notifier at each scrape, so /metrics shows how
 * many posts wait while Mattermost is slow and how many sends it answered 429. Fake clock, fake API.
 */
import { describe, expect, it } from 'vitest';
import { MattermostApiError, type MattermostApi, type NewPost, type Post } from '../../src/adapters/mattermost/mattermost-api.ts';
import { ServerPacer } from '../../src/adapters/mattermost/server-pacer.ts';
import { createMattermostNotifier } from '../../src/adapters/mattermost/mattermost-notifier.ts';
import { createPromMetrics } from '../../src/adapters/metrics/prom-metrics.ts';
import { chatOutboxDepth, chatRateLimitedTotal, metricsCatalog } from '../../src/core/metrics-catalog.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { seriesValue } from '../support/prom-text.ts';

/** A Mattermost that answers each create only when released, the first one with a 429. */
function slowApi(clock: FakeClock) {
  const waiting: (() => void)[] = [];
  let creates = 0;
  const createPost = (post: NewPost): Promise<Post> => {
    if (++creates === 1) return Promise.reject(new MattermostApiError(429, 'too many requests', 1_000));
    return new Promise((resolve) =>
      waiting.push(() =>
        resolve({ id: `p${creates}`, channel_id: post.channel_id, user_id: 'bot', root_id: '', message: post.message ?? '', create_at: clock.now().getTime() }),
      ),
    );
  };
  const api = { createPost, patchPost: () => Promise.reject(new Error('no edits here')), postsSince: () => Promise.resolve([]) } as unknown as MattermostApi;
  return {
    api,
    release: () => {
      for (const answer of waiting.splice(0)) answer();
    },
  };
}

describe('chat queue metrics', () => {
  it('shows the posts waiting in the outbox and the sends answered 429', async () => {
    const clock = new FakeClock();
    const { api, release } = slowApi(clock);
    const notifier = createMattermostNotifier({ api, clock, logger: silentLogger, pacer: new ServerPacer({ clock }) });
    const metrics = createPromMetrics(metricsCatalog, { processMetrics: false });
    metrics.sample(chatRateLimitedTotal, () => notifier.rateLimited);
    metrics.sample(chatOutboxDepth, () => notifier.depth);
    const depth = async (): Promise<number | undefined> => seriesValue(await metrics.scrape(), chatOutboxDepth.name);

    expect(await depth()).toBe(0);
    const refs = [1, 2, 3].map((i) => notifier.postText({ channel: 'ops' }, `line ${i}`));
    expect(await depth()).toBe(3);
    await clock.advance(1_000); // the 429's Retry-After
    expect(seriesValue(await metrics.scrape(), chatRateLimitedTotal.name)).toBe(1);
    for (let i = 0; i < 3; i++) {
      release();
      await clock.advance(10);
    }
    expect((await Promise.all(refs.map((r) => r.delivery))).every((d) => d.ok)).toBe(true);
    expect(await depth()).toBe(0);
    notifier.close();
  });
});
