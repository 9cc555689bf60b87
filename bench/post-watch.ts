/**
 * Every post a user is shown, as it is shown: a websocket to the real Mattermost (one upgrade
 * request, then nothing the server's rate limit counts), recording each `posted` event, and each
 * `post_edited` one, with the time it arrived. The load and storm benchmarks read "visible" here.
 */
import { WebSocket } from 'ws';

export interface SeenPost {
  id: string;
  channel: string;
  user: string;
  message: string;
  /** The thread's root post, '' for a root. */
  root: string;
  /** The post's attachments' text (a rendered reply's body: a storm post's table). */
  body: string;
  /** performance.now() when the event arrived. */
  at: number;
}

export interface PostWatch {
  /** Posts seen since `from` (performance.now()) in `channels`, by `user`. */
  since(from: number, channels: ReadonlySet<string>, user: string): SeenPost[];
  /** Edits seen since `from` in `channels`, by `user`: the post as it reads after each edit. */
  editsSince(from: number, channels: ReadonlySet<string>, user: string): SeenPost[];
  close(): void;
}

interface WirePost {
  id: string;
  channel_id: string;
  user_id: string;
  message: string;
  root_id?: string;
  props?: { attachments?: { text?: string }[] };
}

export async function watchPosts(mmUrl: string, token: string): Promise<PostWatch> {
  const socket = new WebSocket(`${mmUrl.replace(/^http/, 'ws')}/api/v4/websocket`, { headers: { Authorization: `Bearer ${token}` } });
  const seen: SeenPost[] = [];
  const edits: SeenPost[] = [];
  socket.on('message', (data: Buffer) => {
    const event = JSON.parse(data.toString()) as { event?: string; data?: { post?: string } };
    if ((event.event !== 'posted' && event.event !== 'post_edited') || !event.data?.post) return;
    const post = JSON.parse(event.data.post) as WirePost;
    const body = (post.props?.attachments ?? []).map((a) => a.text ?? '').join('\n');
    const one = { id: post.id, channel: post.channel_id, user: post.user_id, message: post.message, root: post.root_id ?? '', body, at: performance.now() };
    (event.event === 'posted' ? seen : edits).push(one);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const filter = (list: SeenPost[], from: number, channels: ReadonlySet<string>, user: string): SeenPost[] =>
    list.filter((p) => p.at >= from && channels.has(p.channel) && p.user === user);
  return {
    since: (from, channels, user) => filter(seen, from, channels, user),
    editsSince: (from, channels, user) => filter(edits, from, channels, user),
    close: () => socket.close(),
  };
}
