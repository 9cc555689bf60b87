/**
 * Which chat posts were handled: ids in memory (bounded) and, per channel, the create time of the
 * last handled post, saved in the cluster so a restarted bot neither misses nor repeats a command.
 * Marked before the command runs: a crash mid-command loses it rather than running it twice.
 */
export interface ChatStateStore {
  load(): Promise<Record<string, number>>;
  save(lastHandled: Record<string, number>): Promise<void>;
}

export class ChatState {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  readonly lastHandled: Record<string, number>;
  private readonly store: ChatStateStore;
  private saving: Promise<void> = Promise.resolve();

  private constructor(store: ChatStateStore, lastHandled: Record<string, number>) {
    this.store = store;
    this.lastHandled = lastHandled;
  }

  static async load(store: ChatStateStore): Promise<ChatState> {
    return new ChatState(store, await store.load());
  }

  /** True the first time a post is seen (and then remembered); false for every repeat. */
  claim(post: { id: string; channel_id: string; create_at: number }): boolean {
    // Not after the last handled post of its channel: handled before a restart (or replayed).
    if (this.seen.has(post.id) || post.create_at <= (this.lastHandled[post.channel_id] ?? 0)) return false;
    this.seen.add(post.id);
    this.order.push(post.id);
    if (this.order.length > 10_000) this.seen.delete(this.order.shift() ?? '');
    this.lastHandled[post.channel_id] = Math.max(this.lastHandled[post.channel_id] ?? 0, post.create_at);
    const snapshot = { ...this.lastHandled };
    this.saving = this.saving.then(() => this.store.save(snapshot)).catch(() => undefined);
    return true;
  }

  /** Resolves when everything claimed so far is saved. */
  flushed(): Promise<void> {
    return this.saving;
  }
}
