/**
 * Posting as a port (issue 10, item 4): posts, thread replies and edits addressed by channel and
 * thread, carrying the core's platform-neutral `Reply`. `post` answers at once with a ref that can
 * be edited, or posted under as a thread, before the post exists on the server: delivery is kept
 * in an outbox behind the port, in order per channel (so per thread too, an edit behind the create
 * it edits, a reply behind its root), retried while the chat server is down, each post made once.
 */
import type { Reply } from '../reply.ts';

/**
 * How a post or an edit ended: delivered (with the server's post id, and the ids of the files the
 * post carries when it was made with some) or given up (and why).
 */
export type Delivery = { ok: true; postId: string; fileIds?: readonly string[] } | { ok: false; reason: string };

/**
 * A text file attached to a post when it is made (an incident root's full log tail, issue 12):
 * uploaded to the post's channel, then named by the post. An edit of the post keeps its files.
 */
export interface PostFile {
  /** The file name a reader downloads (`mm-abc-mattermost-previous.log`). */
  name: string;
  content: string;
}

/**
 * A post: one this notifier accepted (a key of its own) or one already on the server
 * (`existingPost`). Plain data besides `delivery`, so an outbox can be kept outside the process.
 */
export interface PostRef {
  readonly key: string;
  readonly channel: string;
  /** Settles once the post is made or given up; never rejects. */
  readonly delivery: Promise<Delivery>;
}

export interface PostAddress {
  channel: string;
  /** Post in this post's thread (a reply's ref means its thread: the reply's root). */
  thread?: PostRef;
  /**
   * An update that a later post of the same thread and key supersedes: a notifier that holds
   * posts back (the per-channel cap, core/incidents/channel-rate.ts) sends only the latest of them
   * while they wait. Others ignore it.
   */
  coalesce?: string;
}

export interface Notifier {
  /**
   * Queues a post; the ref is usable at once. `files` are attached to it (a post whose files
   * cannot be stored is still made, without them: its delivery then names no file ids).
   */
  post(to: PostAddress, reply: Reply, files?: readonly PostFile[]): PostRef;
  /** Queues an edit behind everything queued before it in the post's channel. */
  edit(post: PostRef, reply: Reply): Promise<Delivery>;
  /** Posts and edits queued and not yet delivered or given up (a gauge for metrics). */
  readonly depth: number;
}

const existingPrefix = 'id:';

/** A ref to a post already on the server (a mention, a root saved in the cluster). */
export function existingPost(channel: string, postId: string): PostRef {
  return { key: `${existingPrefix}${postId}`, channel, delivery: Promise.resolve({ ok: true, postId }) };
}

/** The server id of an `existingPost` ref, without waiting; undefined for a notifier's own. */
export function existingPostId(ref: Pick<PostRef, 'key'>): string | undefined {
  return ref.key.startsWith(existingPrefix) ? ref.key.slice(existingPrefix.length) : undefined;
}

/** The post id once delivered; throws with the reason when it was given up. */
export async function deliveredId(ref: Pick<PostRef, 'delivery'>): Promise<string> {
  const outcome = await ref.delivery;
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.postId;
}
