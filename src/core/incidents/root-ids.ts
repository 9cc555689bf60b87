/**
 * Saves the ids of roots and list posts once Mattermost made them, into the threads document. Ids
 * that arrive while a save is under way are saved together by the next one: a batch's posts are
 * delivered together, and one update each would rewrite the whole document once per post.
 */
import type { Logger } from '../ports/logger.ts';
import type { StateStore } from '../ports/state-store.ts';
import { threadsDocument, type Threads } from './thread-document.ts';

export class RootIds {
  private readonly store: StateStore;
  private readonly logger: Logger;
  /** Root post ids, with the id of the file the root carries (its log tail) when it has one. */
  private threads = new Map<string, { postId: string; fileId?: string | undefined }>();
  private lists = new Map<string, string>();
  private saving: Promise<void> | undefined;

  constructor(store: StateStore, logger: Logger) {
    this.store = store;
    this.logger = logger;
  }

  /** An incident's root was made (with the file of its log tail). */
  thread(key: string, postId: string, fileId?: string): void {
    this.threads.set(key, { postId, fileId });
    this.save();
  }

  /** A baseline or storm post was made. */
  list(id: string, postId: string): void {
    this.lists.set(id, postId);
    this.save();
  }

  /** Resolves once every id given so far is saved (or its save failed and was logged). */
  async settled(): Promise<void> {
    while (this.saving) await this.saving;
  }

  private save(): void {
    this.saving ??= this.drain();
  }

  private async drain(): Promise<void> {
    await Promise.resolve(); // the ids delivered in the same turn join this save
    while (this.threads.size || this.lists.size) {
      const [threads, lists] = [this.threads, this.lists];
      this.threads = new Map();
      this.lists = new Map<string, string>();
      const change = (doc: Threads): Threads => ({
        ...doc,
        threads: doc.threads.map((t) => {
          const made = threads.get(t.key);
          if (!made) return t;
          return { ...t, rootPostId: made.postId, ...(made.fileId && t.logTail ? { logTail: { ...t.logTail, fileId: made.fileId } } : {}) };
        }),
        lists: doc.lists.map((l) => (lists.has(l.id) ? { ...l, rootPostId: lists.get(l.id)! } : l)),
      });
      await this.store.update(threadsDocument, change).catch((e: unknown) => {
        const err = (e as Error).message;
        for (const incident of threads.keys()) this.logger.error({ incident, err }, 'the id of an incident root could not be saved');
        for (const list of lists.keys()) this.logger.error({ list, err }, 'the id of a baseline or storm post could not be saved');
      });
    }
    this.saving = undefined; // in the turn that found nothing left: an id given next starts a save of its own
  }
}
