/**
 * Which chat posts were handled, and until when a leader was listening (chat-snapshot.ts), kept in
 * the cluster so a restarted bot or the next leader neither misses nor repeats a command. Deduped
 * by post id (issue 9, item 14): a live post handled during a catch-up never hides an older
 * missed one. A post is marked before its command runs: a crash mid-command loses it rather than
 * running it twice. Saves are coalesced; a failed save is logged and retried, never swallowed.
 * Kept in the StateStore (chat-state-document.ts).
 */
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { UnreadableDocument, type StateStore } from '../../core/ports/state-store.ts';
import { defaultLimits, emptySnapshot, pruneSnapshot, type ChatSnapshot, type ChatSnapshotLimits } from './chat-snapshot.ts';
import { loadChatSnapshot, saveChatSnapshot } from './chat-state-document.ts';

export interface ChatStateOptions extends Partial<ChatSnapshotLimits> {
  logger: Logger;
  /** What "now" is for expiry and heartbeats, and what a failed save's backoff waits on. */
  clock: Clock;
  /** First wait before a failed save is tried again (doubling up to 10 s). */
  retryMs?: number;
}

/** A catch-up starts this long before the last heartbeat: heartbeats are 20 s apart, and clocks differ. */
const catchUpMarginMs = 2 * 60_000;
/** Attempts at the last save once the state is closing, so shutting down cannot hang on it. */
const closingAttempts = 3;

export class ChatState {
  private snapshot: ChatSnapshot;
  private readonly store: StateStore;
  private readonly options: ChatStateOptions & ChatSnapshotLimits;
  private dirty = false;
  private saving: Promise<void> | undefined;
  private closing = false;

  private constructor(store: StateStore, snapshot: ChatSnapshot, options: ChatStateOptions) {
    this.store = store;
    this.options = { ...defaultLimits, ...options };
    this.snapshot = pruneSnapshot(snapshot, this.now(), this.options);
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }

  /**
   * What the store holds. An unreadable document must not keep a leader from listening (it would
   * retry forever while holding the Lease): it counts as empty, with one error line, and the next
   * save overwrites it. Posts it named may then be answered again, and no catch-up runs (nobody
   * knows since when), which is less harm than a deaf bot. Other errors are thrown (retried).
   */
  static async load(store: StateStore, options: ChatStateOptions): Promise<ChatState> {
    try {
      return new ChatState(store, await loadChatSnapshot(store, options.clock.now().getTime()), options);
    } catch (error) {
      if (!(error instanceof UnreadableDocument)) throw error;
      options.logger.error(
        { ...error.where, err: error.message },
        'the stored chat state is unreadable: starting from an empty one, overwritten on the next save',
      );
      return new ChatState(store, emptySnapshot(), options);
    }
  }

  /** True the first time a post is seen (and then remembered); false for every repeat. */
  claim(post: { id: string; create_at: number }): boolean {
    const s = this.snapshot;
    // Older than what is kept, or below the floor: it may have been handled, so it is not run again.
    if (post.id in s.posts || post.create_at <= s.floor || post.create_at < this.now() - this.options.keepMs) return false;
    s.posts[post.id] = post.create_at;
    if (Object.keys(s.posts).length > this.options.maxPosts * 1.1) this.snapshot = pruneSnapshot(s, this.now(), this.options);
    this.save();
    return true;
  }

  /** Where a catch-up starts: shortly before a leader last listened; undefined if none ever did. */
  catchUpFrom(): number | undefined {
    const { listeningUntil } = this.snapshot;
    if (!listeningUntil) return undefined;
    return Math.max(listeningUntil - catchUpMarginMs, this.now() - this.options.keepMs);
  }

  /** A heartbeat: everything posted until now was seen (listening, and caught up). */
  markListening(): void {
    this.snapshot.listeningUntil = Math.max(this.snapshot.listeningUntil, this.now());
    this.save();
  }

  /** Resolves when everything claimed so far is saved (retrying failed saves meanwhile). */
  flushed(): Promise<void> {
    return this.saving ?? Promise.resolve();
  }

  /** The last save, tried a few times: resolves when saved or given up (logged). */
  close(): Promise<void> {
    this.closing = true;
    return this.flushed();
  }

  private save(): void {
    this.dirty = true;
    this.saving ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (let failures = 0; this.dirty; ) {
        this.dirty = false;
        try {
          const now = this.now();
          await saveChatSnapshot(this.store, pruneSnapshot(this.snapshot, now, this.options), now, this.options);
          failures = 0;
        } catch (error) {
          this.dirty = true;
          failures++;
          if (this.closing && failures >= closingAttempts) {
            this.options.logger.error(
              { attempts: failures, err: (error as Error).message },
              'saving the handled chat posts failed; giving up as the listener stops',
            );
            return;
          }
          const waitMs = Math.min(10_000, (this.options.retryMs ?? 1_000) * 2 ** Math.min(failures - 1, 10));
          this.options.logger.warn({ retryInMs: waitMs, err: (error as Error).message }, 'saving the handled chat posts failed; trying again');
          await this.options.clock.sleep(waitMs);
        }
      }
    } finally {
      this.saving = undefined;
    }
  }
}
