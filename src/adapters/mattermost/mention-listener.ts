/**
 * Mentions and DMs over the websocket. The token goes on the upgrade request so the server replays
 * what a dropped connection missed; once connected, and again after a server restart (missed
 * messages reported), every channel the bot is in is read back through REST (catch-up.ts). Every
 * post is claimed once by id (ChatState), across reconnects, restarts and leaders. While connected
 * and caught up the listener writes a heartbeat, where the next leader's catch-up starts.
 */
import mattermostClient from '@mattermost/client';
import { WebSocket as NodeWebSocket } from 'ws';
import type { Logger } from '../../core/ports/logger.ts';
import { catchUpChannels } from './catch-up.ts';
import type { ChatState } from './chat-state.ts';
import type { MattermostApi, Post } from './mattermost-api.ts';
import { mentionPattern } from './mention-pattern.ts';

const { WebSocketClient } = mattermostClient;

export interface Mention { post: Post; text: string; isDirect: boolean }

export interface ListenerOptions {
  api: MattermostApi;
  token: string;
  bot: { id: string; username: string };
  state: ChatState;
  logger: Logger;
  onMention: (mention: Mention) => void;
  /** How often the "listening until" heartbeat is written (20 s). */
  heartbeatMs?: number;
}

export interface MentionListener {
  readonly connected: boolean;
  /** Connected, and everything posted before the connection was read back. */
  readonly caughtUp: boolean;
  /** One catch-up pass; true when every channel was read. */
  catchUp(): Promise<boolean>;
  close(): void;
}

const isFromBot = (post: Post): boolean => post.props?.from_bot === 'true' || post.props?.from_webhook === 'true';
const retryCatchUpMs = 5_000;

export function startMentionListener(o: ListenerOptions): MentionListener {
  const pattern = mentionPattern(o.bot.username);
  let connected = false;
  let caughtUp = false;
  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;
  let retry: NodeJS.Timeout | undefined;

  const consider = (post: Post, isDirect: boolean, mentioned: boolean): void => {
    if (post.user_id === o.bot.id || isFromBot(post) || post.type || !(isDirect || mentioned)) return;
    if (!o.state.claim(post)) return;
    o.onMention({ post, text: pattern.strip(post.message), isDirect });
  };
  const catchUp = (): Promise<boolean> => catchUpChannels({
    api: o.api, state: o.state, logger: o.logger, consider: (post, isDirect, message) => consider(post, isDirect, pattern.test(message)),
  });

  // One pass at a time, another if more was missed meanwhile; an incomplete one is tried again,
  // and only a complete one lets the heartbeat move on (else the next leader would start after
  // posts nobody read).
  const passes = async (): Promise<void> => {
    let complete = false;
    try {
      do { again = false; complete = await catchUp(); } while (again && !closed);
    } catch (error) {
      o.logger.error({ err: (error as Error).message }, 'catching up missed mentions failed');
    } finally {
      running = undefined;
    }
    if (closed) return;
    if (!complete) { retry = setTimeout(catchUpUntilDone, retryCatchUpMs); retry.unref(); return; }
    caughtUp = true;
    o.state.markListening();
  };
  function catchUpUntilDone(): void {
    caughtUp = false;
    clearTimeout(retry);
    if (running) { again = true; return; }
    running = passes();
  }
  const heartbeat = setInterval(() => { if (connected && caughtUp) o.state.markListening(); }, o.heartbeatMs ?? 20_000);
  heartbeat.unref();

  const client = new WebSocketClient({
    newWebSocketFn: (url: string) => new NodeWebSocket(url, { headers: { Authorization: `Bearer ${o.token}` } }) as unknown as WebSocket,
    minWebSocketRetryTime: 500, maxWebSocketRetryTime: 10_000, reconnectJitterRange: 1_000, maxWebSocketFails: 10_000,
  });
  client.addMessageListener((msg) => {
    if (String(msg.event) !== 'posted') return;
    const data = msg.data as { post: string; mentions?: string; channel_type?: string };
    const post = JSON.parse(data.post) as Post;
    const mentioned = data.mentions ? JSON.parse(data.mentions) as string[] : [];
    consider(post, data.channel_type === 'D', mentioned.includes(o.bot.id));
  });
  // Caught up after the connection stands: a post made meanwhile arrives live, so none falls between.
  client.addFirstConnectListener(() => { connected = true; catchUpUntilDone(); });
  client.addReconnectListener(() => { connected = true; });
  client.addCloseListener(() => { connected = false; });
  client.addMissedMessageListener(() => { catchUpUntilDone(); });
  client.initialize(`${o.api.url.replace(/^http/, 'ws')}/api/v4/websocket`, o.token);
  return {
    get connected() { return connected; },
    get caughtUp() { return caughtUp && connected; },
    catchUp,
    close() {
      if (connected && caughtUp) o.state.markListening(); // the hand-over point for the next leader
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(retry);
      client.close();
    },
  };
}
