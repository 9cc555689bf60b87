/**
 * Quiet by design (issue 12): the incidents a list post stands for (incident-list.ts). The thread
 * keeper hands it every batch of changes first; it takes
 * - the openings of a start-up baseline (`opened` with `baseline`: the first look of a watcher
 *   after no leader watched within `baselineGapMs`), listed in one post per channel;
 * - the openings of a storm: a batch that takes the incidents opened within `stormWindowMs` over
 *   `stormCount`, and every opening after it until the window passes with none, listed in one
 *   storm post per channel, edited as more arrive;
 * - every later change of an incident so listed: a reply in the list's thread and an edited list.
 * It returns the rest, for a thread each. Everything is saved in the threads document before it is
 * posted (the list and each incident's record, pointing at the list), the list's post id once it
 * is made, so a new leader goes on in the same post and its thread. Muted installations' incidents
 * are left to the thread keeper, which keeps them quietly.
 */
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { existingPost, type Notifier, type PostRef } from '../ports/notifier.ts';
import type { StateStore } from '../ports/state-store.ts';
import type { Reply } from '../reply.ts';
import type { IncidentChange } from './incident-change.ts';
import { isStorming, itemOf, type ListRecord } from './incident-list.ts';
import { notifiedState, type Incident } from './incident.ts';
import { listChangeReply, listReply } from './list-replies.ts';
import { RootIds } from './root-ids.ts';
import { threadsDocument, type ThreadRecord, type Threads } from './thread-document.ts';
import { ThreadsBatch } from './threads-batch.ts';
import type { Thresholds } from './thresholds.ts';

export interface ListKeeperDeps {
  notifier: Notifier;
  store: StateStore;
  clock: Clock;
  logger: Logger;
  /** The channel for an incident, as the thread keeper routes it. */
  route: (incident: Incident) => Promise<string | undefined>;
  thresholds: Pick<Thresholds, 'stormCount' | 'stormWindowMs' | 'baselineGapMs' | 'coolDownMs'>;
  /** The list posts this process made, by list: given, it outlives this keeper (as ThreadKeeperDeps.posted). */
  posted?: Map<string, PostRef>;
}

/** What one batch does: lists touched (to post or edit), records to save, replies to post. */
interface Plan {
  lists: Map<string, ListRecord>;
  records: ThreadRecord[];
  /** `coalesce`: an update, superseded by the same incident's next one while both wait (channel-rate.ts). */
  replies: { list: string; reply: Reply; coalesce?: string }[];
  taken: Set<IncidentChange>;
}

export class ListKeeper {
  private readonly d: ListKeeperDeps;
  /** List posts made in this process, usable before the server made them (replies wait behind them). */
  private readonly roots: Map<string, PostRef>;
  private readonly rootIds: RootIds;

  constructor(deps: ListKeeperDeps) {
    this.d = deps;
    this.roots = deps.posted ?? new Map<string, PostRef>();
    this.rootIds = new RootIds(deps.store, deps.logger);
  }

  /**
   * Says a leader watches now; resolves true when none did within the baseline gap (or ever), so
   * what the first look finds is a baseline. The tracker calls it at start and every quarter gap.
   */
  async watching(): Promise<boolean> {
    const now = this.d.clock.now();
    let fresh = false;
    await this.d.store.update(threadsDocument, (doc) => {
      fresh = !doc.watchedAt || now.getTime() - doc.watchedAt.getTime() > this.d.thresholds.baselineGapMs;
      return { ...doc, watchedAt: now };
    });
    return fresh;
  }

  /**
   * A new leader's first act on the saved lists: posts each one whose post was never made. The last
   * leader saves a list before it posts it; if it stopped in between, no change of its incidents
   * may come for a long time (restored incidents do not open again), and the list would be seen by
   * no one. A list its post reached but whose id was not saved is posted a second time: a new
   * leader cannot tell it from one never delivered (the create's key lived in the last leader's
   * outbox), and a post twice is better than none.
   */
  async resume(): Promise<void> {
    const { value: doc } = await this.d.store.read(threadsDocument);
    for (const list of doc.lists) if (!list.rootPostId && !this.roots.has(list.id)) this.make(list, listReply(list, this.d.thresholds));
  }

  /**
   * Takes the changes a list stands for (see above) and resolves with the rest, in their order.
   * Within the thread keeper's batch (threads-batch.ts) it plans them there: saved and posted with
   * the batch. Alone (a test, a benchmark), it saves and posts them itself.
   */
  async take(changes: readonly IncidentChange[], within?: ThreadsBatch): Promise<IncidentChange[]> {
    if (!changes.length) return [];
    const batch = within ?? (await ThreadsBatch.read(this.d.store, this.d.clock.now()));
    const plan: Plan = { lists: new Map(), records: [], replies: [], taken: new Set() };
    const openings = await this.follow(batch, changes, plan);
    this.list(batch.doc, openings, plan, batch.now);
    if (!plan.taken.size) return [...changes];
    for (const record of plan.records) batch.keep(record);
    batch.keepLists(plan.lists.values());
    batch.afterSave(() => this.post(plan, batch));
    if (!within) {
      await batch.commit(this.d.store, this.d.thresholds.coolDownMs, this.d.logger);
      batch.post();
    }
    return changes.filter((c) => !plan.taken.has(c));
  }

  /** Changes of incidents already listed become replies; returns the new openings that might be listed. */
  private async follow(batch: ThreadsBatch, changes: readonly IncidentChange[], plan: Plan): Promise<{ change: IncidentChange; channel: string }[]> {
    const openings: { change: IncidentChange; channel: string }[] = [];
    const { doc } = batch;
    for (const change of changes) {
      const { incident } = change;
      const known = batch.thread(incident.key);
      const listed = known?.listedIn ? (plan.lists.get(known.listedIn) ?? doc.lists.find((l) => l.id === known.listedIn)) : undefined;
      if (batch.muted(incident)) continue;
      if (known && listed) {
        const list = { ...listed, items: listed.items.map((i) => (i.key === incident.key ? itemOf(incident) : i)) };
        plan.lists.set(list.id, list);
        // A new leader's first look at what the list shows already: nothing new to say.
        if (known.notified !== notifiedState(incident)) plan.replies.push(changeReplyIn(list.id, change));
        plan.records.push({ ...known, incident, notified: notifiedState(incident) });
        plan.taken.add(change);
      } else if (!known && change.kind === 'opened') {
        const channel = await this.d.route(incident);
        if (channel) openings.push({ change, channel });
      }
    }
    return openings;
  }

  /** Lists the baseline's openings, and the others when they make or join a storm. */
  private list(doc: Threads, openings: { change: IncidentChange; channel: string }[], plan: Plan, now: Date): void {
    const { stormCount, stormWindowMs } = this.d.thresholds;
    const fresh = openings.filter((o) => !(o.change.kind === 'opened' && o.change.baseline));
    const recent = doc.threads.filter((t) => t.openedAt && now.getTime() - t.openedAt.getTime() < stormWindowMs).length;
    const storming = fresh.length > 0 && (doc.lists.some((l) => isStorming(l, now, stormWindowMs)) || recent + fresh.length > stormCount);
    for (const { change, channel } of openings) {
      const baseline = change.kind === 'opened' && change.baseline === true;
      if (!baseline && !storming) continue;
      const list = this.listFor(doc, plan, { kind: baseline ? 'baseline' : 'storm', channel, now });
      list.items.push(itemOf(change.incident));
      list.lastAddedAt = now;
      const { incident } = change;
      plan.records.push({
        key: incident.key,
        channel,
        incident,
        notified: notifiedState(incident),
        listedIn: list.id,
        // A storm's incidents count in the next window; a baseline's are no news.
        ...(baseline ? {} : { openedAt: now }),
      });
      plan.taken.add(change);
    }
  }

  /** This batch's list of that kind in that channel: a storm goes on in its post, a baseline is always a new one. */
  private listFor(doc: Threads, plan: Plan, { kind, channel, now }: { kind: ListRecord['kind']; channel: string; now: Date }): ListRecord {
    const id = `${kind}:${channel}:${now.toISOString()}`;
    const going =
      plan.lists.get(id) ??
      (kind === 'storm' ? [...plan.lists.values(), ...doc.lists].find((l) => isStorming(l, now, this.d.thresholds.stormWindowMs, channel)) : undefined);
    const list = going
      ? (plan.lists.get(going.id) ?? { ...going, items: [...going.items] })
      : { id, kind, channel, at: now, lastAddedAt: now, items: [], more: 0 };
    plan.lists.set(list.id, list);
    return list;
  }

  /** Posts or edits each list touched, then the replies in their threads (the outbox keeps them in order). */
  private post(plan: Plan, batch: ThreadsBatch): void {
    // As saved (trimmed), so the post shows what the document keeps.
    for (const id of plan.lists.keys()) plan.lists.set(id, batch.savedList(id) ?? plan.lists.get(id)!);
    for (const list of plan.lists.values()) {
      const shown = listReply(list, this.d.thresholds);
      const ref = this.roots.get(list.id) ?? (list.rootPostId ? existingPost(list.channel, list.rootPostId) : undefined);
      if (ref) {
        this.roots.set(list.id, ref);
        void this.d.notifier.edit(ref, shown).then((outcome) => {
          if (!outcome.ok) this.d.logger.warn({ list: list.id, reason: outcome.reason }, 'a baseline or storm post could not be edited');
        });
        continue;
      }
      // Never made (new, or the last leader's never reached Mattermost): posted now.
      this.make(list, shown);
    }
    for (const { list, reply, coalesce } of plan.replies) {
      const root = this.roots.get(list);
      const channel = plan.lists.get(list)?.channel;
      if (root && channel) this.d.notifier.post({ channel, thread: root, ...(coalesce ? { coalesce } : {}) }, reply);
    }
  }

  /** Posts a list (saved before), and saves its post's id once made. */
  private make(list: ListRecord, shown: Reply): void {
    const made = this.d.notifier.post({ channel: list.channel }, shown);
    this.roots.set(list.id, made);
    void made.delivery.then((outcome) => {
      if (outcome.ok) return this.rootIds.list(list.id, outcome.postId);
      // Given up: forget it, so a later leader term of this process posts it again (resume).
      if (this.roots.get(list.id) === made) this.roots.delete(list.id);
    });
  }
}

/** A listed incident's change as a reply in the list's thread; an update is superseded by its next one while both wait (channel-rate.ts). */
const changeReplyIn = (list: string, change: IncidentChange): Plan['replies'][number] => ({
  list,
  reply: listChangeReply(change),
  ...(change.kind === 'updated' ? { coalesce: `update:${change.incident.key}` } : {}),
});
