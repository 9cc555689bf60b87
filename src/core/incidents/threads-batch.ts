/**
 * One judged batch of incident changes against the threads document: the document and the mutes
 * are read once, the list keeper and then the thread keeper plan every change of the batch on it
 * (the records and lists to keep, the posts to make), it is saved with one compare-and-swap, and
 * only then are the posts queued, so every thread and list is in the cluster before its post is
 * made (a new leader neither reposts nor forgets). Reading and rewriting the whole document for
 * each change was most of the leader's work (BENCHMARKS.md, Incidents (a)).
 */
import { silentLogger, type Logger } from '../ports/logger.ts';
import { GroupTooLarge, type StateStore } from '../ports/state-store.ts';
import type { Incident } from './incident.ts';
import { trimmed, type ListRecord } from './incident-list.ts';
import { muteOf, mutesDocument, type Mutes } from './mutes.ts';
import { keptRecord, threadsDocument, type ThreadRecord, type Threads } from './thread-document.ts';

export class ThreadsBatch {
  /** The threads document as the batch began: the plans read it, never change it. */
  readonly doc: Threads;
  readonly now: Date;
  private readonly mutes: Mutes;
  /** Records planned, in the order they were last planned (each goes to the end of the document, as a save of it did). */
  private readonly records = new Map<string, ThreadRecord>();
  /** Lists the list keeper planned; after the commit, as saved (trimmed). */
  private readonly lists = new Map<string, ListRecord>();
  private listed = false;
  private readonly posts: (() => void)[] = [];

  private constructor(doc: Threads, mutes: Mutes, now: Date) {
    this.doc = doc;
    this.mutes = mutes;
    this.now = now;
  }

  /** The batch at `now`: one read of the threads and one of the mutes. */
  static async read(store: StateStore, now: Date): Promise<ThreadsBatch> {
    const [threads, mutes] = await Promise.all([store.read(threadsDocument), store.read(mutesDocument)]);
    return new ThreadsBatch(threads.value, mutes.value, now);
  }

  /** An incident's record as this batch leaves it so far. */
  thread(key: string): ThreadRecord | undefined {
    return this.records.get(key) ?? this.doc.threads.find((t) => t.key === key);
  }

  /** Whether an incident's installation is muted at the batch's time. */
  muted(incident: Incident): boolean {
    const i = incident.installation;
    return i !== undefined && muteOf(this.mutes, `${i.namespace}/${i.name}`, this.now) !== undefined;
  }

  /** Keeps a record (replacing the incident's). */
  keep(record: ThreadRecord): void {
    this.records.delete(record.key);
    this.records.set(record.key, record);
  }

  /** Keeps the lists of a list keeper's plan; the commit then also forgets and trims the document's other lists. */
  keepLists(lists: Iterable<ListRecord>): void {
    for (const l of lists) this.lists.set(l.id, l);
    this.listed = true;
  }

  /** A list as saved by the commit (its post shows that). */
  savedList(id: string): ListRecord | undefined {
    return this.lists.get(id);
  }

  /** A post (or edit) to queue once the batch is saved. */
  afterSave(post: () => void): void {
    this.posts.push(post);
  }

  /**
   * Saves what the batch planned with one update, merged into the document as it is then (another
   * writer may have saved a root's id meanwhile: kept), forgetting the threads resolved longer than
   * `coolDownMs` ago; nothing is written when nothing was planned.
   */
  async commit(store: StateStore, coolDownMs: number, logger: Logger = silentLogger): Promise<void> {
    if (!this.records.size && !this.listed) return;
    // Over the group's cap, every save would fail: the oldest records' timelines and log tails (the
    // root's card and file keep what they showed) go first, 1, 2, 4, ... records, until it fits.
    for (let stripped = 0; ; stripped = stripped ? stripped * 2 : 1) {
      let records = 0;
      try {
        await this.save(store, coolDownMs, (doc) => ((records = doc.threads.length), withoutTails(doc, stripped)));
        if (stripped)
          logger.warn(
            { document: threadsDocument.name, stripped },
            "the incidents' threads were over their size cap: the oldest records were saved without their timelines and log tails",
          );
        return;
      } catch (error) {
        if (!(error instanceof GroupTooLarge) || stripped >= records) throw error;
      }
    }
  }

  private async save(store: StateStore, coolDownMs: number, fit: (doc: Threads) => Threads): Promise<void> {
    const now = this.now.getTime();
    const keep = (t: ThreadRecord): boolean => t.incident.state === 'open' || now - (t.incident.resolvedAt?.getTime() ?? now) < coolDownMs;
    let saved: ListRecord[] = [];
    await store.update(threadsDocument, (doc) => {
      const planned = [...this.records.values()].map((r) => keptRecord(withSavedRoot(r, doc)));
      const threads = [...doc.threads.filter((t) => !this.records.has(t.key)), ...planned].filter(keep);
      if (!this.listed) return fit({ ...doc, threads });
      // Lists none of whose incidents is kept any more are forgotten, the others trimmed (incident-list.ts).
      const kept = new Set(threads.map((t) => t.key));
      const isKept = (key: string): boolean => kept.has(key);
      saved = [...this.lists.values()].map((l) => trimmed({ ...l, rootPostId: l.rootPostId ?? doc.lists.find((x) => x.id === l.id)?.rootPostId }, isKept));
      const others = doc.lists.filter((l) => !this.lists.has(l.id) && l.items.some((i) => kept.has(i.key))).map((l) => trimmed(l, isKept));
      return fit({ ...doc, threads, lists: [...others, ...saved] });
    });
    for (const l of saved) this.lists.set(l.id, l);
  }

  /** Queues the planned posts, in the order planned (the outbox keeps them in order per channel). */
  post(): void {
    for (const post of this.posts.splice(0)) post();
  }
}

/** The document with the `n` oldest records (by when their root was made) kept without their timelines and log tails. */
function withoutTails(doc: Threads, n: number): Threads {
  if (!n) return doc;
  const opened = (t: ThreadRecord): number => (t.openedAt ?? t.incident.since).getTime();
  const oldest = new Set(
    [...doc.threads]
      .sort((a, b) => opened(a) - opened(b))
      .slice(0, n)
      .map((t) => t.key),
  );
  const threads = doc.threads.map((t) => {
    if (!oldest.has(t.key) || (!t.timeline && !t.logTail)) return t;
    const bare = { ...t };
    delete bare.timeline;
    delete bare.logTail;
    return bare;
  });
  return { ...doc, threads };
}

/** The record with the root id (and its log tail's file id) its own delivery may have saved since it was read. */
function withSavedRoot(r: ThreadRecord, doc: Threads): ThreadRecord {
  const saved = doc.threads.find((t) => t.key === r.key);
  const rootPostId = r.rootPostId ?? saved?.rootPostId;
  const fileId = r.logTail && !r.logTail.fileId ? saved?.logTail?.fileId : undefined;
  const withFile = fileId && r.logTail ? { ...r, logTail: { ...r.logTail, fileId } } : r;
  return rootPostId === undefined ? withFile : { ...withFile, rootPostId };
}
