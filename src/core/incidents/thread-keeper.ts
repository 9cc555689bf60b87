/**
 * Keeps one thread per incident, from any source (it takes only IncidentChange, incident-change.ts):
 * a root post when an incident opens, a reply in its thread and an edited root when its notified
 * state changes, "resolved after N min" and an edited root when it resolves, the same thread
 * again when it relapses within the cool-down. Every thread is saved in the cluster
 * (thread-document.ts) before its posts are queued, and its root's id once that is made, so a
 * new leader neither reposts nor forgets. Batches are applied one at a time, in order; a batch's
 * changes are planned in order on one read of the document and saved with one update.
 */
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { existingPost, type Notifier, type PostAddress, type PostRef } from '../ports/notifier.ts';
import type { StateStore } from '../ports/state-store.ts';
import type { Reply } from '../reply.ts';
import type { ChangeNote } from './change-note.ts';
import type { IncidentChange } from './incident-change.ts';
import type { ListKeeper } from './list-keeper.ts';
import { notifiedState, type Incident } from './incident.ts';
import type { LogTail, LogTailRead, LogTails } from './log-tail.ts';
import { reopenedReply, resolvedReply, rootReply, updateReply } from './incident-replies.ts';
import { mutesDocument, openThreadsOf } from './mutes.ts';
import type { QuietKeeper } from './quiet-keeper.ts';
import { RootIds } from './root-ids.ts';
import { threadsDocument, type ThreadRecord } from './thread-document.ts';
import { began, withReply, type TimelineEntry } from './thread-timeline.ts';
import { ThreadsBatch } from './threads-batch.ts';
import { unmuteSummary } from './unmute-summary.ts';

export interface ThreadKeeperDeps {
  notifier: Notifier;
  store: StateStore;
  clock: Clock;
  logger: Logger;
  /** The channel for an incident (its installation's route, or the default); undefined: nowhere. */
  route: (incident: Incident) => Promise<string | undefined>;
  /** Resolved threads are kept this long, so a relapse finds its thread (the engine's cool-down). */
  coolDownMs: number;
  /** What the root shows besides the incident: the change-aware note (change-note.ts); default nothing. */
  note?: ChangeNote;
  /** Told when a thread's root is posted, with the thread to add to (an alert's installation status); default nothing. */
  onOpened?: (incident: Incident, thread: PostAddress) => void;
  /** Takes first the changes a baseline or storm post stands for (list-keeper.ts); default none: a root each. */
  lists?: ListKeeper;
  /**
   * The roots this process posted, by incident: given, it outlives this keeper. The notifier's
   * outbox is the process's, so a root it still holds (Mattermost down) is the thread's root for a
   * later leader term of this replica too; a keeper of its own would resolve in no thread. Default: this keeper's own.
   */
  posted?: Map<string, PostRef>;
  /** Holds what a channel's quiet hours hold (quiet-keeper.ts); default none. */
  quiet?: QuietKeeper;
  /** Reads the previous container's log for a root or a relapse (log-tail.ts); default none. */
  logTails?: LogTails;
}

/** The first wait before the threads are read again after the store did not answer; it doubles up to the max. */
const readRetryFirstMs = 1_000;
const readRetryMaxMs = 30_000;

/** The log tail read for each change of a batch that opens or relapses, by incident key. */
type TailReads = ReadonlyMap<string, Promise<LogTailRead | undefined>>;

/** Whether a change is kept without posts: held by quiet hours, or its installation muted. */
const quietly = (held: boolean, batch: ThreadsBatch, incident: Incident): boolean => held || batch.muted(incident);

export class ThreadKeeper {
  private readonly d: ThreadKeeperDeps;
  /** Roots posted in this process, usable before the server made them (replies wait behind them). */
  private readonly roots: Map<string, PostRef>;
  private queue: Promise<void> = Promise.resolve();
  private readonly rootIds: RootIds;
  private readonly stopping = new AbortController();

  constructor(deps: ThreadKeeperDeps) {
    this.d = deps;
    this.roots = deps.posted ?? new Map<string, PostRef>();
    this.rootIds = new RootIds(deps.store, deps.logger);
  }

  /** The incidents a previous leader left open, for the engine to go on tracking. */
  async openIncidents(): Promise<Incident[]> {
    const { value } = await this.d.store.read(threadsDocument);
    return value.threads.filter((t) => t.incident.state === 'open').map((t) => t.incident);
  }

  /**
   * Applies changes in order, after those already given; resolves once these are saved and queued
   * for posting. The batch is planned on one read of the threads and mutes, saved with one update,
   * then posted (threads-batch.ts).
   */
  apply(changes: readonly IncidentChange[]): Promise<void> {
    const run = this.queue.then(async () => {
      const batch = await this.readBatch(changes);
      if (!batch) return;
      const held = await this.quietHeld(changes, batch);
      const passing = held.size ? changes.filter((c) => !held.has(c)) : changes;
      const own = this.d.lists
        ? await this.d.lists.take(passing, batch).catch((e: unknown) => {
            // Then a root each: noisier, but nothing is lost.
            this.d.logger.error({ err: (e as Error).message }, 'a baseline or storm post could not be updated');
            return passing;
          })
        : passing;
      const ownSet = new Set(own);
      const tails = this.readTails(own, batch);
      // In their order: a held change and a passing one of the same incident stay in sequence.
      for (const change of held.size ? changes.filter((c) => held.has(c) || ownSet.has(c)) : own) {
        await this.plan(change, batch, held.has(change), tails).catch((e: unknown) =>
          this.d.logger.error({ incident: change.incident.key, err: (e as Error).message }, 'an incident thread could not be updated'),
        );
      }
      // Posted even when the save fails (logged): noisier after a restart, but nothing is lost in chat.
      await batch
        .commit(this.d.store, this.d.coolDownMs, this.d.logger)
        .catch((e: unknown) => this.d.logger.error({ err: (e as Error).message, changes: changes.length }, 'incident threads could not be saved'));
      batch.post();
    });
    this.queue = run;
    return run;
  }

  /**
   * Gives up what waits for the store: the leader term that made this keeper is over, and the next
   * one judges the cluster afresh against the threads document. Batches already read go on.
   */
  stop(): void {
    this.stopping.abort(new Error('the thread keeper stopped'));
  }

  /**
   * The threads and mutes for one batch, read again (backoff on the clock) until the store answers
   * or the keeper stops. The engine has already moved on to these changes (a resolution is judged
   * once), so a batch dropped at a failed read would be a post lost for the rest of this term: seen when
   * the apiserver restarted under a leader that kept its Lease (test/e2e/incident-faults.test.ts).
   * Later batches wait behind it, in order.
   */
  private async readBatch(changes: readonly IncidentChange[]): Promise<ThreadsBatch | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await ThreadsBatch.read(this.d.store, this.d.clock.now());
      } catch (error) {
        const err = (error as Error).message;
        const retryInMs = Math.min(readRetryMaxMs, readRetryFirstMs * 2 ** Math.min(attempt, 10));
        if (!this.stopping.signal.aborted) {
          this.d.logger.warn({ changes: changes.length, err, retryInMs }, 'incident threads could not be read; trying again');
          const slept = await this.d.clock.sleep(retryInMs, this.stopping.signal).then(
            () => true,
            () => false,
          );
          if (slept) continue;
        }
        for (const change of changes)
          this.d.logger.error({ incident: change.incident.key, err }, 'an incident thread could not be updated before this leader stopped');
        return undefined;
      }
    }
  }

  /** The changes quiet hours hold (none without them; all pass when the quiet document cannot be read: noisier, nothing lost). */
  private async quietHeld(changes: readonly IncidentChange[], batch: ThreadsBatch): Promise<Set<IncidentChange>> {
    if (!this.d.quiet) return new Set();
    return this.d.quiet
      .held(changes, async (incident) => {
        const known = batch.thread(incident.key);
        return { channel: known?.channel ?? (await this.d.route(incident)), before: known?.incident };
      })
      .catch((e: unknown) => {
        this.d.logger.error({ err: (e as Error).message }, 'quiet hours could not be judged');
        return new Set();
      });
  }

  /**
   * Starts at once, side by side, the log reads of the batch's openings and relapses that post
   * (not muted, not held), so ten crash loops at once wait for the slowest read, not for each in turn.
   */
  private readTails(changes: readonly IncidentChange[], batch: ThreadsBatch): TailReads {
    const read = this.d.logTails;
    if (!read) return new Map();
    const opening = changes.filter((c) => (c.kind === 'opened' || c.kind === 'reopened') && c.incident.evidence.previousLog && !batch.muted(c.incident));
    return new Map(opening.map((c) => [c.incident.key, read(c.incident)]));
  }

  /** The tail for a root or a relapse: the batch's read, else one now (a root first posted at a later change). */
  private tailFor(incident: Incident, tails: TailReads): Promise<LogTailRead | undefined> {
    return tails.get(incident.key) ?? this.d.logTails?.(incident) ?? Promise.resolve(undefined);
  }

  /** Plans one change on the batch (`held`: by quiet hours): the record to keep, the posts to make once it is saved. */
  private async plan(change: IncidentChange, batch: ThreadsBatch, held: boolean, tails: TailReads): Promise<void> {
    const { incident } = change;
    const known = batch.thread(incident.key);
    if (!known && change.kind === 'resolved') return; // never posted (no route then): nothing to resolve
    // Muted, or held by quiet hours: tracked and kept, never posted (the unmute or the end of the quiet hours summarises).
    if (quietly(held, batch, incident)) return this.keepQuietly(incident, known, batch);
    const root = known && this.rootOf(known);
    // Resolved with no root (opened while muted, or its root was never made): nothing to resolve in chat.
    if (known && !root && change.kind === 'resolved') return batch.keep({ ...known, incident, notified: notifiedState(incident) });
    // No root made yet (opened while muted, or its channel was down when the last leader stopped): post it now.
    if (!known || !root) return this.openThread(incident, known?.channel, batch, this.tailFor(incident, tails));
    if (known.notified === notifiedState(incident)) return; // a new leader's first look: nothing new
    return this.follow(change, { known, root, batch }, tails);
  }

  /** A reply in the thread and the root edited to the current state. */
  private async follow(change: IncidentChange, on: { known: ThreadRecord; root: PostRef; batch: ThreadsBatch }, tails: TailReads): Promise<void> {
    const { incident } = change;
    const { known, root, batch } = on;
    const replyFor = { opened: reopenedReply, reopened: reopenedReply, updated: updateReply, resolved: resolvedReply }[change.kind];
    const posted = replyFor(incident);
    const timeline = withReply(known.timeline, batch.now, posted);
    // A relapse shows the new tail on the root and its reply carries the new file (the root keeps its first one).
    const relapse = change.kind === 'reopened' || change.kind === 'opened' ? await this.tailFor(incident, tails) : undefined;
    const logTail = relapse ? { ...relapse.tail, ...(known.logTail?.fileId ? { fileId: known.logTail.fileId } : {}) } : known.logTail;
    const shown = await this.root(incident, logTail, timeline);
    batch.keep({ ...known, incident, notified: notifiedState(incident), timeline, ...(logTail ? { logTail } : {}) });
    batch.afterSave(() => {
      this.d.notifier.post(replyAddress(known.channel, root, change.kind), posted, relapse?.file && [relapse.file]);
      // Not awaited: with Mattermost down the outbox holds it, and the next changes queue behind it.
      void this.d.notifier.edit(root, shown).then((outcome) => {
        if (!outcome.ok) this.d.logger.warn({ incident: incident.key, reason: outcome.reason }, 'an incident root could not be edited');
      });
    });
  }

  /** A root post in the incident's channel, saved before it is posted and again with its id. */
  private async openThread(incident: Incident, channel: string | undefined, batch: ThreadsBatch, tail: Promise<LogTailRead | undefined>): Promise<void> {
    const to = channel ?? (await this.d.route(incident));
    if (!to) return;
    const read = await tail;
    const timeline = began(incident);
    const shown = await this.root(incident, read?.tail, timeline);
    batch.keep({
      key: incident.key,
      channel: to,
      incident,
      notified: notifiedState(incident),
      openedAt: batch.now,
      timeline,
      ...(read ? { logTail: read.tail } : {}),
    });
    batch.afterSave(() => {
      const ref = this.d.notifier.post({ channel: to }, shown, read?.file && [read.file]);
      this.roots.set(incident.key, ref);
      this.d.onOpened?.(incident, { channel: to, thread: ref });
      void ref.delivery.then((outcome) => {
        // The file's id is kept with the thread: a later leader edits the root (which keeps its file) and never uploads it again.
        if (outcome.ok) return this.rootIds.thread(incident.key, outcome.postId, outcome.fileIds?.[0]);
        // Given up: forget it, so the incident's next change posts a root again (never none).
        if (this.roots.get(incident.key) === ref) this.roots.delete(incident.key);
      });
    });
  }

  /**
   * Mutes that ran out are removed and summarised, each once, in its installation's channel: the
   * incident watch calls this on a timer (a typed `unmute` answers with the summary itself).
   */
  async expireMutes(): Promise<void> {
    const now = this.d.clock.now();
    let expired: string[] = [];
    await this.d.store.update(mutesDocument, (m) => {
      expired = m.mutes.filter((x) => x.until.getTime() <= now.getTime()).map((x) => x.installation);
      return { mutes: m.mutes.filter((x) => !expired.includes(x.installation)) };
    });
    if (!expired.length) return;
    const { value } = await this.d.store.read(threadsDocument);
    for (const installation of expired) {
      const [namespace = '', name = ''] = installation.split('/');
      // Routed as one of the installation's own incidents would be (its route, else the default).
      const channel = await this.d.route(muteEnd({ namespace, name }, now));
      if (channel) this.d.notifier.post({ channel }, unmuteSummary(installation, openThreadsOf(value.threads, installation), now, 'mute expired'));
    }
  }

  /** Keeps a muted incident's state (its channel as routed now, for a thread after the unmute). */
  private async keepQuietly(incident: Incident, known: ThreadRecord | undefined, batch: ThreadsBatch): Promise<void> {
    const channel = known?.channel ?? (await this.d.route(incident));
    if (!channel) return;
    // A root posted before the mute still shows the current state: an edit notifies nobody.
    const root = known && this.rootOf(known);
    const shown = root && (await this.root(incident, known.logTail, known.timeline));
    batch.keep({ ...(known ?? { key: incident.key }), channel, incident, notified: notifiedState(incident) });
    if (root && shown) batch.afterSave(() => void this.d.notifier.edit(root, shown));
  }

  private rootOf(t: ThreadRecord): PostRef | undefined {
    return this.roots.get(t.key) ?? (t.rootPostId ? existingPost(t.channel, t.rootPostId) : undefined);
  }

  /** The root as it stands: the incident, the log tail it shows, the change note, what its thread said. */
  private async root(incident: Incident, logTail: LogTail | undefined, timeline?: readonly TimelineEntry[]): Promise<Reply> {
    // A note that fails costs the root its note, never the root.
    const blocks = this.d.note
      ? await this.d.note(incident).catch((e: unknown) => {
          this.d.logger.warn({ incident: incident.key, err: (e as Error).message }, 'the change note of an incident failed');
          return [];
        })
      : [];
    return rootReply(incident, { blocks, ...(logTail ? { logTail } : {}), ...(timeline ? { timeline } : {}) });
  }
}

/** A reply's address; an update is superseded by the thread's next one while both wait (channel-rate.ts). */
const replyAddress = (channel: string, thread: PostRef, kind: IncidentChange['kind']): PostAddress =>
  kind === 'updated' ? { channel, thread, coalesce: 'update' } : { channel, thread };

/** What the summary of an expired mute is routed as: an incident of the installation, not of Alertmanager. */
const muteEnd = (installation: { namespace: string; name: string }, now: Date): Incident => ({
  key: `mute:${installation.namespace}/${installation.name}`,
  source: 'rules',
  installation,
  rule: 'mute',
  severity: 'warning',
  title: 'mute expired',
  since: now,
  affected: [],
  evidence: { facts: [], lines: [] },
  state: 'open',
});
