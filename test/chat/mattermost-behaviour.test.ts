/**
 * Proof test (e): the Mattermost 9.9.0 behaviour the chat adapter relies on, against the real server:
 * bot posts, slash commands delivered to a loopback URL with the `Token` header, and mentions seen
 * over the websocket.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import mattermostClient from '@mattermost/client';
import { WebSocket as NodeWebSocket } from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { freePort } from '../sandbox/ports.ts';
import { waitFor } from '../sandbox/wait.ts';
import { env } from '../support/sandbox.ts';

const { WebSocketClient } = mattermostClient;
const as = (tokenVar: string): MattermostRest => new MattermostRest(env('MM_URL'), env(tokenVar));

interface Post {
  id: string;
  message: string;
  user_id: string;
  props?: Record<string, unknown>;
}

describe('Mattermost 9.9.0', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it('accepts a post by the bot token in ops, marked as from a bot', async () => {
    const message = `proof ${randomBytes(4).toString('hex')}`;
    const post = await as('MM_BOT_TOKEN').call<Post>('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message });
    const read = await as('MM_TOKEN_ALICE').call<Post>('GET', `/posts/${post.id}`);
    expect(read.message).toBe(message);
    expect(read.user_id).toBe(env('MM_BOT_USER_ID'));
    expect(read.props?.from_bot).toBe('true');
  });

  it('delivers a slash command to a loopback URL with the Token header and posts the in_channel answer', async () => {
    const received: { headers: IncomingMessage['headers']; body: URLSearchParams }[] = [];
    const port = await freePort();
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body: new URLSearchParams(body) });
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ response_type: 'in_channel', text: 'pong from the loopback hook' }));
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const trigger = `proof${randomBytes(3).toString('hex')}`;
    const command = await as('MM_ADMIN_TOKEN').call<{ token: string }>('POST', '/commands', {
      team_id: env('MM_TEAM_ID'),
      trigger,
      method: 'P',
      url: `http://127.0.0.1:${port}/hooks/slash`,
      display_name: 'proof',
    });
    await as('MM_TOKEN_ALICE').call('POST', '/commands/execute', {
      channel_id: env('MM_CHANNEL_OPS'),
      team_id: env('MM_TEAM_ID'),
      command: `/${trigger} status mattermost`,
    });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.headers.authorization).toBe(`Token ${command.token}`);
    expect(request?.body.get('text')).toBe('status mattermost');
    expect(request?.body.get('user_name')).toBe('alice');
    expect(request?.body.get('channel_name')).toBe('ops');
    expect(request?.body.get('token')).toBe(command.token);
    const posts = await as('MM_TOKEN_ALICE').call<{ order: string[]; posts: Record<string, Post> }>(
      'GET',
      `/channels/${env('MM_CHANNEL_OPS')}/posts?per_page=5`,
    );
    expect(posts.order.map((id) => posts.posts[id]?.message)).toContain('pong from the loopback hook');
  });

  it('shows a mention of the bot to a websocket client that authenticates on the upgrade', async () => {
    const seen: { post: Post; mentions: string[] }[] = [];
    const client = new WebSocketClient({
      // The token on the upgrade request lets the server replay missed events (reference/mattermost.md, D).
      newWebSocketFn: (url: string) => new NodeWebSocket(url, { headers: { Authorization: `Bearer ${env('MM_BOT_TOKEN')}` } }) as unknown as WebSocket,
    });
    let connected = false;
    client.addFirstConnectListener(() => {
      connected = true;
    });
    client.addMessageListener((msg) => {
      if (String(msg.event) !== 'posted') return;
      const data = msg.data as { post: string; mentions?: string };
      seen.push({ post: JSON.parse(data.post) as Post, mentions: data.mentions ? (JSON.parse(data.mentions) as string[]) : [] });
    });
    client.initialize(`${env('MM_URL').replace('http', 'ws')}/api/v4/websocket`, env('MM_BOT_TOKEN'));
    try {
      await waitFor(() => connected, { what: 'the websocket to connect' });
      const message = `@matterops status mattermost ${randomBytes(3).toString('hex')}`;
      await as('MM_TOKEN_ALICE').call('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message });
      const event = await waitFor(() => seen.find((e) => e.post.message === message), { what: 'the posted event' });
      expect(event.mentions).toContain(env('MM_BOT_USER_ID'));
    } finally {
      client.close();
    }
  });
});
