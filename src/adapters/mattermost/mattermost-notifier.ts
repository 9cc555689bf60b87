/**
 * The Notifier port over Mattermost's REST API: replies rendered as posts (render-post.ts), split
 * under the size limit, threaded, edited in place, all through the outbox (outbox.ts), one lane per
 * channel. A ref names its post by a key (the create's pending_post_id) until the server has made
 * it; a later edit of it, or a reply under it, looks the key up when its turn comes, which is
 * always after the create's (same lane). Creates are idempotent (idempotent-create.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { existingPost, existingPostId, type Delivery, type Notifier, type PostAddress, type PostFile, type PostRef } from '../../core/ports/notifier.ts';
import type { Card } from '../../core/card.ts';
import type { Action, Reply } from '../../core/reply.ts';
import { createOnce, keyedPost, newPendingPostId } from './idempotent-create.ts';
import type { MattermostApi, NewPost, Post } from './mattermost-api.ts';
import { uploadedFiles } from './post-files.ts';
import { Outbox, Undeliverable, type OutboxEntry } from './outbox.ts';
import type { Pacer } from './server-pacer.ts';
import { cardOf, commandActions, renderPost, withButtons, type ActionContext } from './render-post.ts';
import { splitMessage } from './split-message.ts';

export interface PostPatch {
  message: string;
  props: Record<string, unknown>;
}

/** What the outbox keeps for Mattermost: plain data, resolved against the posts made when sent. */
export type NotifierOp =
  | {
      kind: 'create';
      post: NewPost;
      /** The key of the post whose thread this joins. */
      thread?: string;
      buttons?: Buttons;
      /** Uploaded to the channel before the create, which names them (post-files.ts). */
      files?: readonly PostFile[];
    }
  | { kind: 'edit' /** The key of the post to edit. */; post: string; patch: PostPatch; buttons?: Buttons };

/** Buttons that run a command (an incident's Undo), signed when their post's id is known: at delivery. */
interface Buttons {
  channel: string;
  actions: Action[];
}

/** The port, plus what the chat adapter needs beyond a reply: plain progress lines and buttons. */
export interface MattermostNotifier extends Notifier {
  /** `actions` signs the buttons of a plan (they carry the id of the post they are on). */
  edit(post: PostRef, reply: Reply, actions?: ActionContext): Promise<Delivery>;
  /** A post of one markdown line the caller escaped itself (a command's progress), with the card it stands for. */
  postText(to: PostAddress, message: string, card?: Card): PostRef;
  editText(post: PostRef, message: string, attachments?: unknown[], card?: Card): Promise<Delivery>;
  /** Sends retried after a 429. */
  readonly rateLimited: number;
  /** Edits that replaced an earlier unsent edit of the same post. */
  readonly coalesced: number;
  /** Stops retrying; logs what is left undelivered. */
  close(): void;
}

export interface MattermostNotifierOptions {
  api: Pick<MattermostApi, 'createPost' | 'patchPost' | 'postsSince' | 'uploadFile'>;
  clock: Clock;
  logger: Logger;
  /** The bot's user id, the first part of its pending post ids (as the web app does). */
  userId?: string;
  /** When each send may start (server-pacer.ts). */
  pacer: Pacer;
  maxInFlight?: number;
  maxAgeMs?: number;
  maxDepth?: number;
  /**
   * Signs the buttons of a made post whose reply's actions carry a command (undo-button.ts):
   * without it, such buttons are left out, and a post shows only its text.
   */
  commandButtons?: (place: { post: string; channel: string }) => ActionContext;
  /**
   * Whether the companion plugin is active now (plugin-presence.ts): replies with a card are then
   * posted as its custom post type with the card in their props. Without it, plain posts only.
   */
  cards?: () => boolean;
}

/** Replies longer than this become plain parts; shorter ones keep their attachment (colour, buttons). */
const splitAbove = 16_000;
/** How many made posts are remembered by key alone: more than can wait behind one another (the outbox's depth). */
const rememberedPosts = 10_000;

interface Made {
  id: string;
  root: string;
}

/**
 * The posts made, by key, so later entries can name them by key: the latest ones by count, and
 * every one whose ref someone still holds (a progress post edited long after), by that ref.
 */
class MadePosts {
  private readonly byKey = new Map<string, Made>();
  private readonly byRef = new WeakMap<PostRef, Made>();
  private readonly waiting = new Map<string, PostRef>();

  /** A ref whose post is not made yet: it learns its post when it is. */
  expect(ref: PostRef): void {
    this.waiting.set(ref.key, ref);
  }

  remember(key: string, post: Post): void {
    const made = { id: post.id, root: post.root_id };
    this.byKey.set(key, made);
    if (this.byKey.size > rememberedPosts) this.byKey.delete(this.byKey.keys().next().value ?? '');
    const ref = this.waiting.get(key);
    if (ref) this.byRef.set(ref, made);
  }

  /** Its post was made or given up: nothing waits for it any more. */
  settle(key: string): void {
    this.waiting.delete(key);
  }

  /** What a new entry keeps to name `ref`'s post: its server id once it is made, else its key (made before the entry's turn). */
  settled(ref: PostRef, as: 'post' | 'thread'): string {
    const made = this.byRef.get(ref) ?? this.byKey.get(ref.key);
    return made ? existingPost(ref.channel, as === 'thread' ? made.root || made.id : made.id).key : ref.key;
  }

  /** The server id of the post `key` names. */
  idOf(key: string): string {
    const id = existingPostId({ key }) ?? this.byKey.get(key)?.id;
    if (id === undefined) throw new Undeliverable('the post it refers to was never made');
    return id;
  }

  /** The root of the thread `key` is in: the post itself, or its root when it is a reply. */
  rootOf(key: string): string {
    const made = this.byKey.get(key);
    return made?.root || this.idOf(key);
  }
}

export function createMattermostNotifier(o: MattermostNotifierOptions): MattermostNotifier {
  const made = new MadePosts();
  const now = (): number => o.clock.now().getTime();
  /** File ids uploaded for a create not made yet, by its key: a retry of the create does not upload them again. */
  const uploads = new Map<string, string[]>();
  /** The files of a post just made, by key, for its delivery to name. */
  const madeFiles = new Map<string, readonly string[]>();

  /** The patch with its command buttons signed for post `id`, when it has any. */
  const signed = (id: string, patch: PostPatch, buttons: Buttons | undefined): PostPatch =>
    buttons && o.commandButtons ? withButtons(patch, buttons.actions, o.commandButtons({ post: id, channel: buttons.channel })) : patch;
  const deliver = async (entry: OutboxEntry<NotifierOp>): Promise<string> => {
    const op = entry.op;
    if (op.kind === 'edit') {
      const id = made.idOf(op.post);
      await o.api.patchPost(id, signed(id, op.patch, op.buttons));
      return id;
    }
    const threaded = op.thread ? { ...op.post, root_id: made.rootOf(op.thread) } : op.post;
    const fileIds = op.files?.length ? await uploadedFiles({ api: o.api, done: uploads, logger: o.logger }, entry.key, threaded.channel_id, op.files) : [];
    const body = fileIds.length ? { ...threaded, file_ids: fileIds } : threaded;
    const post = await createOnce(o.api, body, { firstAt: entry.firstTriedAt ?? now(), retry: entry.attempts > 1, now: now() });
    made.remember(entry.key, post);
    uploads.delete(entry.key);
    // In the order of the files given (the server may list them in another), else as a post found again names them.
    const attached = fileIds.length ? fileIds : (post.file_ids ?? []);
    if (attached.length) madeFiles.set(entry.key, attached);
    // A button signs the id of its post, so it is added once the post is made; a failed add is
    // retried with the entry, whose create then finds the post it made.
    if (op.buttons) await o.api.patchPost(post.id, signed(post.id, { message: body.message, props: body.props ?? {} }, op.buttons));
    return post.id;
  };
  const outbox = new Outbox<NotifierOp>({
    clock: o.clock,
    logger: o.logger,
    deliver,
    pacer: o.pacer,
    ...(o.maxInFlight !== undefined ? { maxInFlight: o.maxInFlight } : {}),
    ...(o.maxAgeMs !== undefined ? { maxAgeMs: o.maxAgeMs } : {}),
    ...(o.maxDepth !== undefined ? { maxDepth: o.maxDepth } : {}),
  });

  const create = (to: PostAddress, post: Omit<NewPost, 'channel_id'>, buttons?: Buttons, files?: readonly PostFile[]): PostRef => {
    const key = newPendingPostId(o.userId, now());
    const op: NotifierOp = {
      kind: 'create',
      post: keyedPost({ ...post, channel_id: to.channel }, key),
      ...(to.thread ? { thread: made.settled(to.thread, 'thread') } : {}),
      ...(buttons ? { buttons } : {}),
      ...(files?.length ? { files } : {}),
    };
    const delivery = outbox
      .enqueue(key, to.channel, op)
      .then((outcome): Delivery => {
        const fileIds = madeFiles.get(key);
        return outcome.ok && fileIds ? { ...outcome, fileIds } : outcome;
      })
      .finally(() => {
        made.settle(key);
        uploads.delete(key);
        madeFiles.delete(key);
      });
    const ref = { key, channel: to.channel, delivery };
    made.expect(ref); // in time: the outbox never sends within enqueue itself
    return ref;
  };
  // Edits of one post coalesce by its ref's key, which stays the same before and after it is made.
  const patch = (post: PostRef, body: PostPatch, buttons?: Buttons): Promise<Delivery> =>
    outbox.enqueue(
      `edit:${randomBytes(6).toString('hex')}`,
      post.channel,
      { kind: 'edit', post: made.settled(post, 'post'), patch: body, ...(buttons ? { buttons } : {}) },
      post.key,
    );
  /** The command buttons of a reply, to sign at delivery; none without a signer. */
  const buttonsOf = (channel: string, reply: Reply): Buttons | undefined => {
    const actions = o.commandButtons ? commandActions(reply) : [];
    return actions.length ? { channel, actions } : undefined;
  };

  const cards = (): boolean => o.cards?.() ?? false;
  /** A one-line post's body, with its card when the plugin is active. */
  const textPost = (message: string, attachments: unknown[] | undefined, card: Card | undefined) => {
    const { type, matterops } = cardOf(card, cards());
    return { message, ...(type ? { type } : {}), props: { ...(attachments ? { attachments } : {}), ...(matterops ? { matterops } : {}) } };
  };

  return {
    post(to, reply, files) {
      const rendered = renderPost(reply, undefined, { cards: cards() });
      const full = [rendered.message, ...rendered.props.attachments.map((a) => a.text)].join('\n\n');
      if (full.length <= splitAbove)
        return create(
          to,
          { message: rendered.message, ...(rendered.type ? { type: rendered.type } : {}), props: rendered.props },
          buttonsOf(to.channel, reply),
          files,
        );
      // Parts in order, each a logical post of its own; the ref names the first, which carries the files.
      const parts = splitMessage(full).map((part, i) => create(to, { message: part }, undefined, i === 0 ? files : undefined));
      return parts[0] ?? create(to, { message: '' }, undefined, files);
    },
    edit(post, reply, actions) {
      // The post's type is the one it was made with: a patch changes only its message and props.
      const rendered = renderPost(reply, actions, { cards: cards() });
      // A plan's buttons come signed with it (`actions`); command buttons are signed at delivery.
      return patch(post, { message: rendered.message, props: rendered.props }, actions ? undefined : buttonsOf(post.channel, reply));
    },
    postText: (to, message, card) => {
      const { type, props } = textPost(message, undefined, card);
      return create(to, { message, ...(type ? { type } : {}), ...(props.matterops ? { props } : {}) });
    },
    editText: (post, message, attachments, card) => patch(post, { message, props: textPost(message, attachments ?? [], card).props }),
    get depth() {
      return outbox.depth;
    },
    get rateLimited() {
      return outbox.rateLimited;
    },
    get coalesced() {
      return outbox.coalesced;
    },
    close: () => outbox.close(),
  };
}
