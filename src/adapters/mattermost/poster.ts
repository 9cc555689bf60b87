/**
 * Posts replies as the bot: split under the size limit, threaded, edited in place for progress,
 * all through the rate-limited queue, one lane per channel. Creates are idempotent: a retried
 * create re-sends the same body with one `pending_post_id` (idempotent-create.ts).
 */
import type { Reply } from '../../core/reply.ts';
import { idempotentCreate } from './idempotent-create.ts';
import type { MattermostApi, NewPost } from './mattermost-api.ts';
import type { PostQueue } from './post-queue.ts';
import { renderPost, type ActionContext } from './render-post.ts';
import { splitMessage } from './split-message.ts';

export interface Target { channelId: string; rootId?: string }

export interface Poster {
  /** Posts a reply (split if it is long); returns the ids of the posts made. */
  post(target: Target, reply: Reply, actions?: ActionContext): Promise<string[]>;
  edit(postId: string, reply: Reply, actions?: ActionContext): Promise<void>;
  text(target: Target, message: string): Promise<string>;
  editText(postId: string, message: string, attachments?: unknown[]): Promise<void>;
}

export interface PosterOptions {
  /** The bot's user id, the first part of its pending post ids (as the web app does). */
  userId?: string;
}

/** How many posts the poster remembers the channel of, so their edits queue behind that channel. */
const rememberedPosts = 2_000;

export function createPoster(api: MattermostApi, queue: PostQueue, options: PosterOptions = {}): Poster {
  let sequence = 0;
  const label = (what: string, target: string): string => `${what}#${++sequence} ${target}`;
  const channelOf = new Map<string, string>();
  const laneOf = (postId: string): string => channelOf.get(postId) ?? `post:${postId}`;

  const create = async (what: string, post: NewPost): Promise<string> => {
    const made = await queue.enqueue(label(what, post.channel_id), idempotentCreate(api, post, options.userId), post.channel_id);
    channelOf.set(made.id, post.channel_id);
    if (channelOf.size > rememberedPosts) channelOf.delete(channelOf.keys().next().value ?? '');
    return made.id;
  };
  const thread = (target: Target): { channel_id: string; root_id?: string } =>
    ({ channel_id: target.channelId, ...(target.rootId ? { root_id: target.rootId } : {}) });

  return {
    async post(target, reply, actions) {
      const rendered = renderPost(reply, actions);
      const full = [rendered.message, ...rendered.props.attachments.map((a) => a.text)].join('\n\n');
      // Short replies keep their attachment (colour, buttons); long ones become plain parts.
      const parts = full.length > 16_000 ? splitMessage(full) : undefined;
      if (!parts) return [await create('post', { ...thread(target), message: rendered.message, props: rendered.props })];
      const ids: string[] = [];
      for (const part of parts) ids.push(await create('part', { ...thread(target), message: part }));
      return ids;
    },
    async edit(postId, reply, actions) {
      const rendered = renderPost(reply, actions);
      await queue.enqueue(label('edit', postId), () => api.patchPost(postId, { message: rendered.message, props: rendered.props }), laneOf(postId));
    },
    text: (target, message) => create('text', { ...thread(target), message }),
    async editText(postId, message, attachments) {
      await queue.enqueue(label('edit', postId), () => api.patchPost(postId, { message, props: { attachments: attachments ?? [] } }), laneOf(postId));
    },
  };
}
