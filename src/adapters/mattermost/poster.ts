/**
 * Posts replies as the bot: split under the size limit, threaded, edited in place for progress,
 * all through the rate-limited queue.
 */
import type { Reply } from '../../core/reply.ts';
import type { MattermostApi } from './mattermost-api.ts';
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

export function createPoster(api: MattermostApi, queue: PostQueue): Poster {
  let sequence = 0;
  const label = (what: string, target: string): string => `${what}#${++sequence} ${target}`;
  return {
    async post(target, reply, actions) {
      const rendered = renderPost(reply, actions);
      const full = [rendered.message, ...rendered.props.attachments.map((a) => a.text)].join('\n\n');
      // Short replies keep their attachment (colour, buttons); long ones become plain parts.
      const parts = full.length > 16_000 ? splitMessage(full) : undefined;
      if (!parts) {
        const made = await queue.enqueue(label('post', target.channelId), () => api.createPost({
          channel_id: target.channelId, message: rendered.message, ...(target.rootId ? { root_id: target.rootId } : {}), props: rendered.props }));
        return [made.id];
      }
      const ids: string[] = [];
      for (const part of parts) {
        const made = await queue.enqueue(label('part', target.channelId), () => api.createPost({
          channel_id: target.channelId, message: part, ...(target.rootId ? { root_id: target.rootId } : {}) }));
        ids.push(made.id);
      }
      return ids;
    },
    async edit(postId, reply, actions) {
      const rendered = renderPost(reply, actions);
      await queue.enqueue(label('edit', postId), () => api.patchPost(postId, { message: rendered.message, props: rendered.props }));
    },
    async text(target, message) {
      const made = await queue.enqueue(label('text', target.channelId), () => api.createPost({
        channel_id: target.channelId, message, ...(target.rootId ? { root_id: target.rootId } : {}) }));
      return made.id;
    },
    async editText(postId, message, attachments) {
      await queue.enqueue(label('edit', postId), () => api.patchPost(postId, { message, props: { attachments: attachments ?? [] } }));
    },
  };
}
