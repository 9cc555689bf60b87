/**
 * A Notifier in memory, for unit tests of code that posts: posts and edits are delivered
 * asynchronously, one after another in the order they were queued (so an edit of a post queued
 * just now finds it), and `cut` holds every delivery until `restore`, as an unreachable Mattermost
 * would. A post to a channel it was not given is refused. Passes test/contract/notifier.contract.ts,
 * as the Mattermost adapter does.
 */
import { existingPostId, type Delivery, type Notifier, type PostAddress, type PostFile, type PostRef } from '../../src/core/ports/notifier.ts';
import type { Reply } from '../../src/core/reply.ts';

export interface FakePost {
  id: string;
  channel: string /** '' for a root post. */;
  root: string;
  reply: Reply;
  edits: number;
  /** The files it was made with (an edit keeps them), with the ids their delivery named. */
  files: (PostFile & { id: string })[];
}

/** The words of a reply, as a reader would see them. */
export const textOf = (reply: Reply): string =>
  reply.blocks
    .map((b) => ('text' in b ? b.text : b.kind === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`).join('\n') : ''))
    .filter(Boolean)
    .join('\n\n');

export class FakeNotifier implements Notifier {
  /** What the "server" holds, in the order it was made. */
  readonly posts: FakePost[] = [];
  private readonly channels: Set<string>;
  private readonly byKey = new Map<string, FakePost>();
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private sequence = 0;
  private reachable = true;
  private wake: () => void = () => undefined;

  constructor(channels: Iterable<string>) {
    this.channels = new Set(channels);
  }

  get depth(): number {
    return this.waiting;
  }

  post(to: PostAddress, reply: Reply, files: readonly PostFile[] = []): PostRef {
    const key = `fake-post-${++this.sequence}`;
    const delivery = this.queue(() => {
      if (!this.channels.has(to.channel)) return { ok: false, reason: `no channel ${to.channel}` };
      const root = to.thread ? this.rootOf(to.thread.key) : '';
      if (root === undefined) return { ok: false, reason: 'the post it replies to was never made' };
      const id = `p${this.posts.length + 1}`;
      const attached = files.map((f, i) => ({ ...f, id: `${id}-f${i + 1}` }));
      const made: FakePost = { id, channel: to.channel, root, reply, edits: 0, files: attached };
      this.posts.push(made);
      this.byKey.set(key, made);
      return attached.length ? { ok: true, postId: id, fileIds: attached.map((f) => f.id) } : { ok: true, postId: id };
    });
    return { key, channel: to.channel, delivery };
  }

  edit(post: PostRef, reply: Reply): Promise<Delivery> {
    return this.queue(() => {
      const made = this.find(post.key);
      if (!made) return { ok: false, reason: 'the post it refers to was never made' };
      made.reply = reply;
      made.edits++;
      return { ok: true, postId: made.id };
    });
  }

  /** Holds every delivery (Mattermost unreachable) until `restore`. */
  cut(): void {
    this.reachable = false;
  }

  restore(): void {
    this.reachable = true;
    this.wake();
  }

  private find(key: string): FakePost | undefined {
    const id = existingPostId({ key });
    return id === undefined ? this.byKey.get(key) : this.posts.find((p) => p.id === id);
  }

  private rootOf(key: string): string | undefined {
    const made = this.find(key);
    return made ? made.root || made.id : existingPostId({ key });
  }

  private queue(apply: () => Delivery): Promise<Delivery> {
    this.waiting++;
    const run = this.tail
      .then(() => this.whenReachable())
      .then(apply)
      .finally(() => {
        this.waiting--;
      });
    this.tail = run;
    return run;
  }

  private whenReachable(): Promise<void> {
    return this.reachable
      ? Promise.resolve()
      : new Promise((resolve) => {
          this.wake = resolve;
        });
  }
}
