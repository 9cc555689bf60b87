/**
 * Every post a user is shown, as it is shown: a websocket to the real Mattermost (one upgrade
 * request, then nothing the server's rate limit counts), recording each `posted` event with the
 * time it arrived. The load benchmark reads "visible" from here.
 */
import { WebSocket } from 'ws';

export interface SeenPost {
  id: string;
  channel: string;
  user: string;
  message: string;
  /** performance.now() when the event arrived. */
  at: number;
}

export interface PostWatch {
  /** Posts seen since `from` (performance.now()) in `channels`, by `user`. */
  since(from: number, channels: ReadonlySet<string>, user: string): SeenPost[];
  close(): void;
}

export async function watchPosts(mmUrl: string, token: string): Promise<PostWatch> {
  const socket = new WebSocket(`${mmUrl.replace(/^http/, 'ws')}/api/v4/websocket`, { headers: { Authorization: `Bearer ${token}` } });
  const seen: SeenPost[] = [];
  socket.on('message', (data: Buffer) => {
    const event = JSON.parse(data.toString()) as { event?: string; data?: { post?: string } };
    if (event.event !== 'posted' || !event.data?.post) return;
    const post = JSON.parse(event.data.post) as { id: string; channel_id: string; user_id: string; message: string };
    seen.push({ id: post.id, channel: post.channel_id, user: post.user_id, message: post.message, at: performance.now() });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    since: (from, channels, user) => seen.filter((p) => p.at >= from && channels.has(p.channel) && p.user === user),
    close: () => socket.close(),
  };
}
