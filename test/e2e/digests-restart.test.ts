/**
 * Scheduled digests across a restart (issue 13): a bot stopped across a firing and started again
 * posts the missed run once, late, and doubles none (test/support/digest-runs.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { botPosts, chatDigest, DigestBots, firingsBetween, nthPost } from '../support/digest-runs.ts';

let bots: DigestBots;

beforeAll(async () => {
  bots = await DigestBots.create('digests-restart');
  await bots.start();
  expect(await bots.terminal('schedule add "* * * * *" status mattermost --always --channel ops')).toContain('Schedule s1 added');
}, 180_000);
afterAll(async () => {
  await bots.stopAll();
});

it('a bot restarted between two runs neither doubles nor skips one', async () => {
  const before = await nthPost(Date.now(), chatDigest, 1);
  await bots.stopAll();
  // Down across a firing: the restarted bot posts the missed run once, late.
  await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 5_000));
  await bots.start();
  const after = await nthPost(before.create_at, chatDigest, 2);
  const posts = await botPosts(before.create_at, chatDigest);
  const upTo = posts.filter((p) => p.create_at <= after.create_at);
  expect(upTo).toHaveLength(firingsBetween(before.create_at, after.create_at));
}, 300_000);
