/**
 * Issue 9, item 14 (review R3, finding 2), against the real Mattermost 9.9: the "listening until"
 * heartbeat, where the next leader's catch-up starts, never moves past a post the listener has not
 * read. A websocket that closed and opened again is not caught up until the server's replay of
 * what it missed was delivered (the answer to the first ping comes after it), or, when the server
 * starts a fresh stream instead, until a catch-up through REST has read the gap.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatSnapshot } from '../../src/adapters/mattermost/chat-snapshot.ts';
import { handledPostsDocument } from '../../src/adapters/mattermost/chat-state-document.ts';
import { ChatState } from '../../src/adapters/mattermost/chat-state.ts';
import { MattermostApi, type Post } from '../../src/adapters/mattermost/mattermost-api.ts';
import { startMentionListener, type Mention, type MentionListener } from '../../src/adapters/mattermost/mention-listener.ts';
import { systemClock } from '../../src/core/ports/clock.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import type { StateStore } from '../../src/core/ports/state-store.ts';
import { FakeStateStore } from '../fakes/fake-state-store.ts';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startHoldingProxy, type HoldingProxy } from '../support/holding-proxy.ts';
import { env } from '../support/sandbox.ts';

const as = (tokenVar: string): MattermostRest => new MattermostRest(env('MM_URL'), env(tokenVar));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function newChannel(): Promise<string> {
  const admin = as('MM_ADMIN_TOKEN');
  const id = (
    await admin.call<{ id: string }>('POST', '/channels', {
      team_id: env('MM_TEAM_ID'),
      name: `beat-${randomBytes(3).toString('hex')}`,
      display_name: 'heartbeat',
      type: 'O',
    })
  ).id;
  for (const user of [env('MM_BOT_USER_ID'), env('MM_USER_ID_ALICE')]) await admin.call('POST', `/channels/${id}/members`, { user_id: user });
  return id;
}

/**
 * A listener behind the proxy, with a fast heartbeat, whose store records with every save whether
 * the post of `gap()` had been handed to the bot by then.
 */
async function listenBehind(proxy: HoldingProxy) {
  const seen: Mention[] = [];
  let gap: Post | undefined;
  const saves: { listeningUntil: number; gapSeen: boolean }[] = [];
  const fake = new FakeStateStore();
  fake.backend.plant(handledPostsDocument.name, JSON.stringify({ posts: {}, floor: 0, listeningUntil: Date.now() - 30_000 }));
  const store: StateStore = {
    read: (doc) => fake.read(doc),
    update: (doc, change, options) => {
      // Whether the gap's post had been handed to the bot when this save was asked for.
      const gapSeen = gap !== undefined && seen.some((m) => m.post.id === gap?.id);
      return fake.update(
        doc,
        (current) => {
          const next = change(current);
          if (doc.name === handledPostsDocument.name) saves.push({ listeningUntil: (next as unknown as ChatSnapshot).listeningUntil, gapSeen });
          return next;
        },
        options,
      );
    },
  };
  const state = await ChatState.load(store, { logger: silentLogger, clock: systemClock });
  const listener: MentionListener = startMentionListener({
    api: new MattermostApi(`http://127.0.0.1:${proxy.port}`, env('MM_BOT_TOKEN')),
    token: env('MM_BOT_TOKEN'),
    bot: { id: env('MM_BOT_USER_ID'), username: 'matterops' },
    state,
    logger: silentLogger,
    onMention: (m) => seen.push(m),
    heartbeatMs: 50,
  });
  cleanups.push(() => listener.close());
  await waitFor(() => listener.caughtUp, { what: 'the listener to be caught up', timeoutMs: 20_000 });
  return {
    listener,
    seen,
    saves,
    setGap: (post: Post) => {
      gap = post;
    },
    /** Heartbeats that claimed the gap's time before its post was read: must be none. */
    beatsPastTheUnreadGap: () => saves.filter((s) => gap !== undefined && s.listeningUntil >= gap.create_at && !s.gapSeen),
  };
}

describe('the listening heartbeat across a reconnect', () => {
  for (const { how, freshStream } of [
    { how: 'the server replays what the socket missed', freshStream: false },
    { how: 'the server starts a fresh stream (as after its restart) and the catch-up reads the gap', freshStream: true },
  ]) {
    it(`does not move past a post made while the websocket was down until it was read: ${how}`, async () => {
      const proxy = await startHoldingProxy(Number(new URL(env('MM_URL')).port));
      cleanups.push(() => proxy.close());
      const channel = await newChannel();
      const bot = await listenBehind(proxy);

      proxy.cut();
      await waitFor(() => !bot.listener.connected, { what: 'the websocket to drop' });
      const gap = await as('MM_TOKEN_ALICE').call<Post>('POST', '/posts', { channel_id: channel, message: '@matterops version' });
      bot.setGap(gap);
      proxy.holdNextUpgrade({ freshStream });
      proxy.restore();
      await waitFor(() => bot.listener.connected, { what: 'the websocket to open again', timeoutMs: 20_000 });
      await sleep(1_000); // twenty heartbeat periods while the server's frames are held

      expect(bot.beatsPastTheUnreadGap()).toEqual([]);
      expect(bot.listener.caughtUp).toBe(false);

      proxy.release();
      await waitFor(() => bot.seen.find((m) => m.post.id === gap.id), { what: 'the post made in the gap to be read', timeoutMs: 20_000 });
      await waitFor(() => bot.listener.caughtUp, { what: 'the listener to be caught up again', timeoutMs: 20_000 });
      await waitFor(() => bot.saves.some((s) => s.listeningUntil > gap.create_at), { what: 'the heartbeat to move on' });
      expect(bot.beatsPastTheUnreadGap()).toEqual([]);
      expect(bot.seen.filter((m) => m.post.id === gap.id)).toHaveLength(1);
    });
  }
});
