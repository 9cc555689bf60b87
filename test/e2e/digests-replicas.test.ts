/**
 * Scheduled digests with two replicas (issue 13): only the leader runs schedules, so each run is
 * posted once (test/support/digest-runs.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { botPosts, chatDigest, DigestBots, firingsBetween, nthPost } from '../support/digest-runs.ts';

let bots: DigestBots;

beforeAll(async () => {
  bots = await DigestBots.create('digests-replicas');
  await Promise.all([bots.start(), bots.start()]);
  expect(await bots.terminal('schedule add "* * * * *" status mattermost --always --channel ops')).toContain('Schedule s1 added');
}, 180_000);
afterAll(async () => {
  await bots.stopAll();
});

it('two replicas post each run once', async () => {
  const from = await nthPost(Date.now(), chatDigest, 1);
  const to = await nthPost(from.create_at, chatDigest, 2);
  const posts = (await botPosts(from.create_at, chatDigest)).filter((p) => p.create_at <= to.create_at);
  expect(posts).toHaveLength(firingsBetween(from.create_at, to.create_at));
  expect(posts).toHaveLength(2);
}, 300_000);
