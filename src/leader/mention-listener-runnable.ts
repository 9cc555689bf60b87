/**
 * Listens for mentions and DMs on the websocket: only the leader does (two listeners would answer
 * each mention twice). A run loads what the previous leader saved (the leader manager starts it
 * only after this replica's previous run saved its own), so no post is answered twice across a
 * hand-over; a run aborted while still loading never starts listening. It saves what it handled
 * when it stops. A leader whose websocket stays down for longer than its Lease is deaf: it steps
 * down, so a replica that can hear takes over the mentions (issue 9, item 15).
 */
import { ChatState } from '../adapters/mattermost/chat-state.ts';
import { startMentionListener, type MentionListener } from '../adapters/mattermost/mention-listener.ts';
import { watchConnection } from '../connection-watchdog.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Metrics } from '../core/ports/metrics.ts';
import { websocketConnected, websocketReconnectsTotal } from '../core/metrics-catalog.ts';
import type { StateStore } from '../core/ports/state-store.ts';
import type { LeaderContext } from './leader-context.ts';
import { aborted, type Runnable } from './runnable.ts';

export interface MentionListenerDeps {
  chat: LeaderContext;
  /** Where the handled chat posts are kept (the StateStore of the state namespace). */
  chatState: StateStore;
  clock: Clock;
  logger: Logger;
  /** The leader Lease: how long the websocket may stay down before this leader steps down. */
  deafAfterMs: number;
  /** Where the websocket's state is sampled (matterops_websocket_connected, _reconnects_total). */
  metrics: Metrics;
}

export function mentionListenerRunnable(d: MentionListenerDeps): Runnable {
  const { chat, logger } = d;
  let listening: MentionListener | undefined;
  // Reconnects of the listeners of earlier leaderships, so the counter never goes down.
  let earlierReconnects = 0;
  d.metrics.sample(websocketConnected, () => (listening?.connected ? 1 : 0));
  d.metrics.sample(websocketReconnectsTotal, () => earlierReconnects + (listening?.reconnects ?? 0));

  const watchDeafness = (listener: MentionListener): { stop(): void } =>
    watchConnection({
      connected: () => listener.connected,
      limitMs: d.deafAfterMs,
      clock: d.clock,
      onDown: () => {
        logger.warn(
          { downForSeconds: d.deafAfterMs / 1000 },
          'the websocket stayed down longer than the leader Lease: stepping down so another replica hears mentions',
        );
        chat.stepDown().catch((e: unknown) => logger.error({ err: (e as Error).message }, 'stepping down failed'));
      },
    });

  return {
    name: 'mention listener',
    ready: () => listening?.connected ?? false,
    async start(signal) {
      const state = await ChatState.load(d.chatState, { logger, clock: d.clock });
      if (signal.aborted) return; // leadership ended while loading: do not start listening late
      // Posts made while no matterops was listening are read back by the listener itself, once its
      // websocket stands (so none falls between); slash commands are served meanwhile.
      const listener = startMentionListener({ api: chat.api, token: chat.botToken, bot: chat.bot, state, logger, onMention: chat.onMention });
      listening = listener;
      const deafness = watchDeafness(listener);
      await aborted(signal);
      deafness.stop();
      listener.close();
      earlierReconnects += listener.reconnects;
      listening = undefined;
      await state.close(); // saved, or given up after a few tries (logged), before the next leader reads it
    },
  };
}
