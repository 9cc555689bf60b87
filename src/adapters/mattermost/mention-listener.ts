/**
 * Mentions and DMs over the websocket. The token goes on the upgrade request so the server replays
 * what a dropped connection missed; every fresh stream (the first one, and one the server starts
 * anew after its restart or a long gap: a hello with a new connection id) is followed by a read of
 * every channel the bot is in through REST (catch-up.ts). Every post is claimed once by id
 * (ChatState), across reconnects, restarts and leaders. While caught up the listener writes a
 * heartbeat, where the next leader's catch-up starts: so it is not caught up from a close until
 * the server's replay was delivered (the answer to the first ping after a reconnect comes after
 * it) or, for a fresh stream, until a catch-up pass read every channel. Once closed (leadership
 * ended) it answers nothing more, and a catch-up still running stops: the next leader owns the rest.
 */
import mattermostClient from '@mattermost/client';
import { WebSocket as NodeWebSocket } from 'ws';
import type { Logger } from '../../core/ports/logger.ts';
import { catchUpChannels } from './catch-up.ts';
import type { ChatState } from './chat-state.ts';
import type { MattermostApi, Post } from './mattermost-api.ts';
import { mentionPattern } from './mention-pattern.ts';

const { WebSocketClient } = mattermostClient;

export interface Mention {
  post: Post;
  text: string;
  isDirect: boolean;
}

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
  /** Times the websocket connected again after a close (matterops_websocket_reconnects_total). */
  readonly reconnects: number;
  /** Connected, and every post made until now was read (live, replayed or caught up). */
  readonly caughtUp: boolean;
  close(): void;
}

const isFromBot = (post: Post): boolean => post.props?.from_bot === 'true' || post.props?.from_webhook === 'true';
const retryCatchUpMs = 5_000;

export function startMentionListener(o: ListenerOptions): MentionListener {
  const pattern = mentionPattern(o.bot.username);
  let connected = false;
  // The live stream has no hole: false from every close until the server's replay was delivered
  // (or a fresh stream began, whose hole the catch-up it starts reads).
  let streamWhole = false;
  // A catch-up is owed, from the first stream and every fresh one on, until a pass read every channel.
  let owed = true;
  let sawHello = false;
  let opens = 0; // counts opens and closes, so a ping answered too late counts for nothing
  let closed = false;
  const closing = new AbortController();
  let running: Promise<void> | undefined;
  let again = false;
  let retry: NodeJS.Timeout | undefined;
  const caughtUp = (): boolean => connected && streamWhole && !owed;
  const beat = (): void => {
    if (caughtUp()) o.state.markListening();
  };

  const consider = (post: Post, isDirect: boolean, mentioned: boolean): void => {
    if (closed || post.user_id === o.bot.id || isFromBot(post) || post.type || !(isDirect || mentioned)) return;
    if (!o.state.claim(post)) return;
    o.onMention({ post, text: pattern.strip(post.message), isDirect });
  };
  const catchUp = (): Promise<boolean> =>
    catchUpChannels({
      api: o.api,
      state: o.state,
      logger: o.logger,
      signal: closing.signal,
      consider: (post, isDirect, message) => consider(post, isDirect, pattern.test(message)),
    });

  // One pass at a time, another if more was missed meanwhile; an incomplete one is tried again,
  // and only a complete one lets the heartbeat move on (else the next leader would start after
  // posts nobody read).
  const passes = async (): Promise<void> => {
    let complete = false;
    try {
      do {
        again = false;
        complete = await catchUp();
      } while (again && !closed);
    } catch (error) {
      o.logger.error({ err: (error as Error).message }, 'catching up missed mentions failed');
    } finally {
      running = undefined;
    }
    if (closed) return;
    if (!complete) {
      retry = setTimeout(catchUpUntilDone, retryCatchUpMs);
      retry.unref();
      return;
    }
    owed = false;
    beat();
  };
  function catchUpUntilDone(): void {
    owed = true;
    clearTimeout(retry);
    if (running) {
      again = true;
      return;
    }
    running = passes();
  }
  /** A stream the server began anew: live from here on, and what came before is read through REST. */
  const freshStream = (): void => {
    streamWhole = true;
    catchUpUntilDone();
  };
  const heartbeat = setInterval(beat, o.heartbeatMs ?? 20_000);
  heartbeat.unref();

  const client = new WebSocketClient({
    newWebSocketFn: (url: string) => new NodeWebSocket(url, { headers: { Authorization: `Bearer ${o.token}` } }) as unknown as WebSocket,
    minWebSocketRetryTime: 500,
    maxWebSocketRetryTime: 10_000,
    reconnectJitterRange: 1_000,
    maxWebSocketFails: 10_000,
  });
  client.addMessageListener((msg) => {
    // The client reports a changed connection id as missed messages; the first stream is ours to see.
    if (String(msg.event) === 'hello' && !sawHello) {
      sawHello = true;
      freshStream();
      return;
    }
    if (String(msg.event) !== 'posted') return;
    const data = msg.data as { post: string; mentions?: string; channel_type?: string };
    const post = JSON.parse(data.post) as Post;
    const mentioned = data.mentions ? (JSON.parse(data.mentions) as string[]) : [];
    consider(post, data.channel_type === 'D', mentioned.includes(o.bot.id));
  });
  // Mattermost sends, on a resumed connection, the missed events first and then the answers to
  // requests (verified on 9.9 in test/chat/listening-heartbeat.test.ts): once the first ping is
  // answered, whatever was replayed has been handled, and a fresh stream's hello has come.
  const opened = (): void => {
    connected = true;
    const mine = ++opens;
    client.ping(() => {
      if (mine === opens && !closed) {
        streamWhole = true;
        beat();
      }
    });
  };
  let reconnects = 0;
  client.addFirstConnectListener(opened);
  client.addReconnectListener(opened);
  client.addReconnectListener(() => reconnects++);
  client.addCloseListener(() => {
    connected = false;
    streamWhole = false;
    opens++;
  });
  client.addMissedMessageListener(freshStream);
  client.initialize(`${o.api.url.replace(/^http/, 'ws')}/api/v4/websocket`, o.token);
  return {
    get connected() {
      return connected;
    },
    get reconnects() {
      return reconnects;
    },
    get caughtUp() {
      return caughtUp();
    },
    close() {
      beat(); // the hand-over point for the next leader
      closed = true;
      closing.abort();
      clearInterval(heartbeat);
      clearTimeout(retry);
      client.close();
    },
  };
}
