/**
 * Mentions and DMs over the websocket. The token goes on the upgrade request so the server replays
 * what a dropped connection missed; after a server restart (missed messages reported) the channels
 * are read back through REST. Every post is claimed once (ChatState), across reconnects and restarts.
 */
import mattermostClient from '@mattermost/client';
import { WebSocket as NodeWebSocket } from 'ws';
import type { Logger } from '../../core/ports/logger.ts';
import type { ChatState } from './chat-state.ts';
import type { MattermostApi, Post } from './mattermost-api.ts';

const { WebSocketClient } = mattermostClient;

export interface Mention { post: Post; text: string; isDirect: boolean }

export interface ListenerOptions {
  api: MattermostApi;
  token: string;
  bot: { id: string; username: string };
  state: ChatState;
  logger: Logger;
  onMention: (mention: Mention) => void;
}

export interface MentionListener { readonly connected: boolean; catchUp(): Promise<void>; close(): void }

const isFromBot = (post: Post): boolean => post.props?.from_bot === 'true' || post.props?.from_webhook === 'true';

export function startMentionListener(o: ListenerOptions): MentionListener {
  const channelTypes = new Map<string, string>();
  const mentionPattern = new RegExp(`(^|\\s)@${o.bot.username}\\b[:,]?`, 'gi');
  const mentions = (message: string): boolean => new RegExp(`(^|\\s)@${o.bot.username}\\b`, 'i').test(message);
  let connected = false;

  const typeOf = async (channelId: string): Promise<string> => {
    const known = channelTypes.get(channelId);
    if (known) return known;
    const channel = await o.api.call<{ type: string }>('GET', `/channels/${channelId}`);
    channelTypes.set(channelId, channel.type);
    return channel.type;
  };

  const consider = (post: Post, isDirect: boolean, mentioned: boolean): void => {
    if (post.user_id === o.bot.id || isFromBot(post) || post.type || !(isDirect || mentioned)) return;
    if (!o.state.claim(post)) return;
    o.onMention({ post, text: post.message.replace(mentionPattern, ' ').trim(), isDirect });
  };

  const client = new WebSocketClient({
    newWebSocketFn: (url: string) => new NodeWebSocket(url, { headers: { Authorization: `Bearer ${o.token}` } }) as unknown as WebSocket,
    minWebSocketRetryTime: 500, maxWebSocketRetryTime: 10_000, reconnectJitterRange: 1_000, maxWebSocketFails: 10_000,
  });
  client.addMessageListener((msg) => {
    if (String(msg.event) !== 'posted') return;
    const data = msg.data as { post: string; mentions?: string; channel_type?: string };
    const post = JSON.parse(data.post) as Post;
    if (data.channel_type) channelTypes.set(post.channel_id, data.channel_type);
    const mentioned = data.mentions ? JSON.parse(data.mentions) as string[] : [];
    consider(post, data.channel_type === 'D', mentioned.includes(o.bot.id));
  });

  /** Reads back every channel the bot has handled posts in, since the last one it handled. */
  async function catchUp(): Promise<void> {
    for (const [channelId, since] of Object.entries(o.state.lastHandled)) {
      try {
        const isDirect = (await typeOf(channelId)) === 'D';
        for (const post of await o.api.postsSince(channelId, since)) consider(post, isDirect, mentions(post.message));
      } catch (error) {
        o.logger.warn({ channelId, err: (error as Error).message }, 'could not catch up a channel');
      }
    }
  }

  client.addFirstConnectListener(() => { connected = true; });
  client.addReconnectListener(() => { connected = true; });
  client.addCloseListener(() => { connected = false; });
  client.addMissedMessageListener(() => { void catchUp(); });
  client.initialize(`${o.api.url.replace(/^http/, 'ws')}/api/v4/websocket`, o.token);
  return {
    get connected() { return connected; },
    catchUp,
    close: () => client.close(),
  };
}
