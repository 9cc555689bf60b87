/**
 * A product-level cap on incident posts per channel (issue 12, Quiet by design: "a per-channel
 * send rate"), `incidents.channelRate` posts (roots and replies) per channel in any minute. It is
 * a Notifier in front of the leader's one (the Mattermost outbox, which paces by the server's
 * rate limit headers: transport pacing, not this). Over the cap a channel's further posts wait,
 * in order, and go out as the minute allows:
 * - an update reply (`coalesce` set) replaces the one still waiting in its thread when nothing of
 *   that thread waits after it, so each thread sends its latest state, never an older one after it;
 * - every other post waits whole: a root, a resolution, a relapse are never dropped nor merged;
 * - an edit of a waiting post changes what that post will say (root edits coalesce); an edit of a
 *   post already made waits behind what waits in its channel, replacing a waiting edit of it, and
 *   costs nothing against the cap (it notifies nobody).
 * Roots seldom reach the cap: past the storm count they are one storm post (list-keeper.ts).
 * What waits is in this process, as the outbox is: at shutdown `release()` hands it all to the
 * outbox at once, past the cap, so it is sent or logged with the outbox's rest, never lost unseen.
 */
import type { Clock, Timer } from '../ports/clock.ts';
import type { Delivery, Notifier, PostAddress, PostFile, PostRef } from '../ports/notifier.ts';
import type { Reply } from '../reply.ts';

const windowMs = 60_000;
/** How many sent posts a copy of their ref still finds (by key): as many as the outbox remembers. */
const defaultRememberedByKey = 10_000;

interface WaitingPost {
  kind: 'post';
  key: string;
  to: PostAddress;
  reply: Reply;
  /** What it is made with (a root's log tail): kept whole while it waits. */
  files: readonly PostFile[] | undefined;
  delivery: Promise<Delivery>;
  settle: (d: Delivery) => void;
  /** The ref handed out for it (the keepers keep it as long as they edit or reply to the post). */
  ref: PostRef;
}

interface WaitingEdit {
  kind: 'edit';
  post: PostRef;
  reply: Reply;
  delivery: Promise<Delivery>;
  settle: (d: Delivery) => void;
}

type Waiting = WaitingPost | WaitingEdit;

function deferred(): { delivery: Promise<Delivery>; settle: (d: Delivery) => void } {
  let settle: (d: Delivery) => void = () => undefined;
  const delivery = new Promise<Delivery>((resolve) => {
    settle = resolve;
  });
  return { delivery, settle };
}

export class ChannelRate implements Notifier {
  private readonly inner: Notifier;
  private readonly clock: Clock;
  private readonly perMinute: number;
  /** When each channel's posts of the last minute were sent. */
  private readonly sent = new Map<string, number[]>();
  private readonly waiting = new Map<string, Waiting[]>();
  /**
   * The inner notifier's ref of each post that waited, once sent (replies and edits address it):
   * by the ref handed out, for as long as someone holds that ref (a root edited days later), and
   * by key for the newest `rememberedByKey` only (a copy of the ref), so neither grows for good.
   */
  private readonly madeByRef = new WeakMap<PostRef, PostRef>();
  private readonly madeByKey = new Map<string, PostRef>();
  private readonly rememberedByKey: number;
  private readonly timers = new Map<string, Timer>();
  private sequence = 0;
  /** Released (shutting down): no cap any more, every post and edit goes straight through. */
  private released = false;

  constructor(deps: { notifier: Notifier; clock: Clock; perMinute: number; rememberedByKey?: number }) {
    this.rememberedByKey = deps.rememberedByKey ?? defaultRememberedByKey;
    this.inner = deps.notifier;
    this.clock = deps.clock;
    this.perMinute = deps.perMinute;
  }

  get depth(): number {
    let n = this.inner.depth;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }

  post(to: PostAddress, reply: Reply, files?: readonly PostFile[]): PostRef {
    const queue = this.queueOf(to.channel);
    if (!queue.length && (this.released || this.room(to.channel))) return this.send(to, reply, files);
    const replaced = this.replaceUpdate(queue, to, reply, files);
    if (replaced) return replaced;
    const key = `rate-held-${++this.sequence}`;
    const { delivery, settle } = deferred();
    const held: WaitingPost = { kind: 'post', key, to, reply, files, delivery, settle, ref: { key, channel: to.channel, delivery } };
    queue.push(held);
    this.wake(to.channel);
    return held.ref;
  }

  /** An update takes the place of its thread's last waiting post when that is the same update. */
  private replaceUpdate(queue: Waiting[], to: PostAddress, reply: Reply, files: readonly PostFile[] | undefined): PostRef | undefined {
    const threadKey = to.thread?.key;
    if (to.coalesce === undefined || threadKey === undefined) return undefined;
    const last = queue.findLast((w): w is WaitingPost => w.kind === 'post' && w.to.thread?.key === threadKey);
    if (last?.to.coalesce !== to.coalesce || last.files?.length || files?.length) return undefined;
    last.reply = reply;
    return last.ref;
  }

  edit(post: PostRef, reply: Reply): Promise<Delivery> {
    const queue = this.queueOf(post.channel);
    const unsent = queue.find((w): w is WaitingPost => w.kind === 'post' && w.key === post.key);
    if (unsent) {
      unsent.reply = reply;
      return unsent.delivery;
    }
    if (!queue.length) return this.inner.edit(this.madeOf(post), reply);
    const pending = queue.find((w): w is WaitingEdit => w.kind === 'edit' && w.post.key === post.key);
    if (pending) {
      pending.reply = reply;
      return pending.delivery;
    }
    const edit: WaitingEdit = { kind: 'edit', post, reply, ...deferred() };
    queue.push(edit);
    return edit.delivery;
  }

  /**
   * Hands everything waiting to the inner notifier now, past the cap, in order per channel (so per
   * thread): the process is ending, and the outbox sends or logs what it holds when it closes,
   * which it cannot do for what still waits here. What comes after goes straight through.
   */
  release(): void {
    this.released = true;
    for (const timer of this.timers.values()) timer.cancel();
    for (const channel of [...this.waiting.keys()]) this.drain(channel);
  }

  private send(to: PostAddress, reply: Reply, files: readonly PostFile[] | undefined): PostRef {
    const now = this.clock.now().getTime();
    this.sent.set(to.channel, [...(this.sent.get(to.channel) ?? []), now]);
    const thread = to.thread && this.madeOf(to.thread);
    return this.inner.post({ channel: to.channel, ...(thread ? { thread } : {}) }, reply, files);
  }

  /** The inner notifier's ref of a post that waited here and was sent; any other ref as it is. */
  private madeOf(ref: PostRef): PostRef {
    return this.madeByRef.get(ref) ?? this.madeByKey.get(ref.key) ?? ref;
  }

  private remember(held: WaitingPost, made: PostRef): void {
    this.madeByRef.set(held.ref, made);
    this.madeByKey.set(held.key, made);
    if (this.madeByKey.size > this.rememberedByKey) this.madeByKey.delete(this.madeByKey.keys().next().value ?? '');
  }

  /** Whether the channel may send one more now (its sends of the last minute under the cap). */
  private room(channel: string): boolean {
    const since = this.clock.now().getTime() - windowMs;
    const recent = (this.sent.get(channel) ?? []).filter((t) => t > since);
    this.sent.set(channel, recent);
    return recent.length < this.perMinute;
  }

  private queueOf(channel: string): Waiting[] {
    let queue = this.waiting.get(channel);
    if (!queue) this.waiting.set(channel, (queue = []));
    return queue;
  }

  /** Sends what the minute allows, in order; then waits for the oldest send to leave the window. */
  private drain(channel: string): void {
    this.timers.delete(channel);
    const queue = this.queueOf(channel);
    while (queue.length) {
      const head = queue[0]!;
      if (head.kind === 'post') {
        if (!this.released && !this.room(channel)) break;
        const ref = this.send(head.to, head.reply, head.files);
        this.remember(head, ref);
        void ref.delivery.then(head.settle);
      } else {
        void this.inner.edit(this.madeOf(head.post), head.reply).then(head.settle);
      }
      queue.shift();
    }
    if (queue.length) this.wake(channel);
    else this.waiting.delete(channel);
  }

  private wake(channel: string): void {
    if (this.timers.has(channel)) return;
    const oldest = (this.sent.get(channel) ?? [])[0];
    const wait = oldest === undefined ? 0 : Math.max(0, oldest + windowMs - this.clock.now().getTime());
    // Not background: what waits must go out before the process may end on its own.
    this.timers.set(
      channel,
      this.clock.after(wait, () => this.drain(channel)),
    );
  }
}
