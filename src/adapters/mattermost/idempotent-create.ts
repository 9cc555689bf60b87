/**
 * A create that may be sent more than once and still makes one post (issue 9, item 13). Each
 * logical post gets one `pending_post_id`, made here once and re-sent with the same body on every
 * retry: Mattermost remembers the ids it saw for 30 s and answers a repeat with the post it already
 * made (`deduplicateCreatePost` in the server; verified on 9.9 in test/chat/post-idempotency.test.ts).
 * The key is also kept in the post's props, so a retry later than that window first looks for the
 * post among the channel's recent posts instead of making a second one.
 */
import { randomBytes } from 'node:crypto';
import type { MattermostApi, NewPost, Post } from './mattermost-api.ts';

/** The props key that carries the pending post id, for the look-up after the server forgot it. */
export const postKeyProp = 'matterops_post_key';
/** The server keeps pending post ids 30 s; look for the post once a retry is later than this. */
const serverDedupeMs = 25_000;

/** A pending post id like the web app's (`<user id>:<ms>`), with random bits: the server's key is global. */
export function newPendingPostId(userId = 'matterops', now = Date.now()): string {
  return `${userId}:${now}:${randomBytes(6).toString('hex')}`;
}

/** The body every attempt of one logical post sends: its key as pending_post_id and in its props. */
export function keyedPost(post: NewPost, key: string): NewPost {
  return { ...post, pending_post_id: key, props: { ...post.props, [postKeyProp]: key } };
}

export interface CreateAttempt {
  /** When the first attempt was sent (ms epoch). */
  firstAt: number;
  /** Whether an attempt was sent before this one. */
  retry: boolean;
  now: number;
}

/** One attempt at a keyed create: after the server's dedupe window, the post a lost answer made is found first. */
export async function createOnce(api: Pick<MattermostApi, 'createPost' | 'postsSince'>, body: NewPost, attempt: CreateAttempt): Promise<Post> {
  if (attempt.retry && attempt.now - attempt.firstAt > serverDedupeMs) {
    const key = body.pending_post_id;
    const made = (await api.postsSince(body.channel_id, attempt.firstAt - 1_000)).find((p) => p.props?.[postKeyProp] === key);
    if (made) return made;
  }
  return await api.createPost(body);
}

/** A send function: the same body on every attempt. */
export function idempotentCreate(api: MattermostApi, post: NewPost, userId?: string): () => Promise<Post> {
  const body = keyedPost(post, newPendingPostId(userId));
  const firstAt = Date.now();
  let attempts = 0;
  return () => createOnce(api, body, { firstAt, retry: attempts++ > 0, now: Date.now() });
}
