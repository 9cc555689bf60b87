/**
 * Threads on the fake clock, fake notifier and fake state store: one root per incident, replies
 * only on a state change, the resolution, a relapse in the same thread, and a restarted leader that
 * neither reposts nor forgets (issue 12, Threads). Roots are golden files as Mattermost renders them.
 */
import { describe, expect, it } from 'vitest';
import { renderPost } from '../../../src/adapters/mattermost/render-post.ts';
import { IncidentEngine } from '../../../src/core/incidents/engine.ts';
import { IncidentTracker } from '../../../src/core/incidents/incident-tracker.ts';
import { threadsDocument } from '../../../src/core/incidents/thread-document.ts';
import { ThreadKeeper } from '../../../src/core/incidents/thread-keeper.ts';
import { defaultThresholds } from '../../../src/core/incidents/thresholds.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import type { StateDocument, UpdateOptions, Versioned } from '../../../src/core/ports/state-store.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeNotifier, textOf } from '../../fakes/fake-notifier.ts';
import { FakeStateBackend, FakeStateStore } from '../../fakes/fake-state-store.ts';
import { crashLooping, healthyPod, installation, t0 } from './snapshots.ts';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function leader(clock: FakeClock, notifier: FakeNotifier, backend: FakeStateBackend): { tracker: IncidentTracker; store: FakeStateStore } {
  const store = new FakeStateStore(backend);
  const keeper = new ThreadKeeper({
    notifier,
    store,
    clock,
    logger: silentLogger,
    route: () => Promise.resolve('incidents'),
    coolDownMs: defaultThresholds.coolDownMs,
  });
  return { tracker: new IncidentTracker({ engine: new IncidentEngine(defaultThresholds), keeper, clock }), store };
}

const withEvents = (pods: Parameters<typeof installation>[0]) =>
  installation(pods, {
    events: [
      {
        reason: 'BackOff',
        message: 'Back-off restarting failed container mattermost',
        object: 'Pod/mm-a',
        count: 12,
        lastSeen: new Date(t0.getTime() - 5_000),
      },
    ],
  });

async function settle(clock: FakeClock, tracker: IncidentTracker, ms = 0): Promise<void> {
  await clock.advance(ms);
  await tracker.settled();
  await clock.advance(0);
}

describe('incident threads', () => {
  it('one root, a reply and an edit when a pod joins, none for more restarts, then the resolution', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const { tracker } = leader(clock, notifier, new FakeStateBackend());
    await tracker.start();
    tracker.observe(withEvents([crashLooping('mm-a'), healthyPod('mm-b')]));
    await settle(clock, tracker);
    expect(notifier.posts).toHaveLength(1);
    const root = notifier.posts[0]!;
    await expect(json(renderPost(root.reply))).toMatchFileSnapshot('__golden__/root-open.json');

    tracker.observe(withEvents([crashLooping('mm-a', 9), healthyPod('mm-b')]));
    await settle(clock, tracker, 10_000);
    expect(notifier.posts).toHaveLength(1);

    tracker.observe(withEvents([crashLooping('mm-a', 10), crashLooping('mm-b')]));
    await settle(clock, tracker, 10_000);
    expect(notifier.posts.map((p) => [p.root, textOf(p.reply)])).toEqual([
      ['', expect.stringContaining('CRITICAL chat/mattermost: container mattermost is crash-looping (2 pods)') as unknown],
      [root.id, 'now: container mattermost is crash-looping (2 pods) (critical)\n\naffected: mm-a, mm-b'],
    ]);

    tracker.observe(installation([healthyPod('mm-a'), healthyPod('mm-b')]));
    await settle(clock, tracker, 29_000);
    expect(notifier.posts).toHaveLength(2);
    await settle(clock, tracker, 6_000);
    expect(notifier.posts.map((p) => p.root)).toEqual(['', root.id, root.id]);
    expect(textOf(notifier.posts[2]!.reply)).toBe('resolved after 20 s: container mattermost is crash-looping (2 pods) no longer seen');
    await expect(json(renderPost(root.reply))).toMatchFileSnapshot('__golden__/root-resolved.json');
    // The root's card (issue 15) shows what the thread said, each reply at the time it was posted.
    expect(root.reply.card).toMatchObject({
      kind: 'incident',
      timeline: [
        { at: t0.toISOString(), text: 'began: container mattermost is crash-looping (1 pod) (critical)' },
        { at: new Date(t0.getTime() + 10_000).toISOString(), text: 'now: container mattermost is crash-looping (2 pods) (critical)' },
        { at: new Date(t0.getTime() + 50_000).toISOString(), text: 'resolved after 20 s: container mattermost is crash-looping (2 pods) no longer seen' },
      ],
    });
    await tracker.stop();
  });

  it('a leader restarted mid-incident posts no second root, and the resolution lands in the thread', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const backend = new FakeStateBackend();
    const first = leader(clock, notifier, backend);
    await first.tracker.start();
    first.tracker.observe(installation([crashLooping('mm-a')]));
    await settle(clock, first.tracker, 1_000);
    await first.tracker.stop();
    expect(first.store.peek(threadsDocument)?.threads[0]).toMatchObject({
      key: 'crash-loop:chat/mattermost:mattermost',
      channel: 'incidents',
      rootPostId: 'p1',
    });

    const next = leader(clock, notifier, backend);
    await next.tracker.start();
    next.tracker.observe(installation([crashLooping('mm-a', 11)]));
    await settle(clock, next.tracker, 60_000);
    expect(notifier.posts).toHaveLength(1);
    next.tracker.observe(installation([healthyPod('mm-a')]));
    await settle(clock, next.tracker, 35_000);
    expect(notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]])).toEqual([
      ['', 'RESOLVED chat/mattermost: container mattermost is crash-looping (1 pod)'],
      ['p1', 'resolved after 1 min: container mattermost is crash-looping (1 pod) no longer seen'],
    ]);
    await next.tracker.stop();
  });

  it('what cleared while no leader watched is resolved by the next one, in its thread', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const backend = new FakeStateBackend();
    const first = leader(clock, notifier, backend);
    await first.tracker.start();
    first.tracker.observe(installation([crashLooping('mm-a')]));
    await settle(clock, first.tracker, 1_000);
    await first.tracker.stop();
    await clock.advance(10 * 60_000);

    const next = leader(clock, notifier, backend);
    await next.tracker.start();
    next.tracker.observe(installation([healthyPod('mm-a')]));
    await settle(clock, next.tracker, 31_000);
    expect(notifier.posts.map((p) => p.root)).toEqual(['', 'p1']);
    expect(textOf(notifier.posts[1]!.reply)).toMatch(/^resolved after/);
    await next.tracker.stop();
  });

  it('a relapse within the cool-down, even after a restart, reopens the same thread', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const backend = new FakeStateBackend();
    const first = leader(clock, notifier, backend);
    await first.tracker.start();
    first.tracker.observe(installation([crashLooping('mm-a')]));
    await settle(clock, first.tracker, 1_000);
    first.tracker.observe(installation([healthyPod('mm-a')]));
    await settle(clock, first.tracker, 35_000);
    await first.tracker.stop();

    const next = leader(clock, notifier, backend);
    await next.tracker.start();
    // What a resolved incident keeps for the cool-down: its thread and what a digest names, not its evidence.
    const resolved = next.store.peek(threadsDocument)!.threads[0]!;
    expect(resolved).toMatchObject({ channel: 'incidents', rootPostId: 'p1', notified: expect.stringContaining('resolved') as unknown });
    expect(resolved.incident).toMatchObject({ title: 'container mattermost is crash-looping (1 pod)', since: t0, resolvedAt: expect.any(Date) as unknown });
    expect(resolved.incident.evidence).toEqual({ facts: [], lines: [] });
    next.tracker.observe(installation([crashLooping('mm-a', 12)]));
    await settle(clock, next.tracker, 1_000);
    // The relapse shows its own evidence again, on the same root.
    expect(textOf(notifier.posts[0]!.reply)).toContain('restarts: 12');
    expect(next.store.peek(threadsDocument)!.threads[0]!.incident.evidence.facts).not.toEqual([]);
    expect(notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]])).toEqual([
      ['', 'CRITICAL chat/mattermost: container mattermost is crash-looping (1 pod)'],
      ['p1', 'resolved after 1 s: container mattermost is crash-looping (1 pod) no longer seen'],
      ['p1', 'relapsed: container mattermost is crash-looping (1 pod) (critical), the same incident as above'],
    ]);
    await next.tracker.stop();
  });

  it('with Mattermost down, the root and its resolution arrive in order once it is back', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const { tracker } = leader(clock, notifier, new FakeStateBackend());
    await tracker.start();
    notifier.cut();
    tracker.observe(installation([crashLooping('mm-a')]));
    await settle(clock, tracker, 5_000);
    tracker.observe(installation([healthyPod('mm-a')]));
    await settle(clock, tracker, 35_000);
    expect(notifier.posts).toHaveLength(0);
    notifier.restore();
    await settle(clock, tracker, 1_000);
    expect(notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]])).toEqual([
      ['', 'RESOLVED chat/mattermost: container mattermost is crash-looping (1 pod)'],
      ['p1', 'resolved after 5 s: container mattermost is crash-looping (1 pod) no longer seen'],
    ]);
    await tracker.stop();
  });

  it('a resolution judged while the store does not answer is posted in its thread once the store is back, in the same term', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const store = new DownStore(new FakeStateBackend());
    const keeper = new ThreadKeeper({
      notifier,
      store,
      clock,
      logger: silentLogger,
      route: () => Promise.resolve('incidents'),
      coolDownMs: defaultThresholds.coolDownMs,
    });
    const tracker = new IncidentTracker({ engine: new IncidentEngine(defaultThresholds), keeper, clock });
    await tracker.start();
    tracker.observe(installation([crashLooping('mm-a')]));
    await settle(clock, tracker);
    expect(notifier.posts).toHaveLength(1);
    // The apiserver goes away (its restart) while the pod recovers: the hold-down runs out with no store.
    store.down = true;
    tracker.observe(installation([healthyPod('mm-a')]));
    await clock.advance(40_000);
    expect(notifier.posts).toHaveLength(1);
    store.down = false;
    await clock.advance(30_000); // the next read, at most 30 s after the last
    await settle(clock, tracker);
    // Before the fix the batch was dropped at the failed read, and the engine had already resolved it: no reply, ever.
    expect(notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]])).toEqual([
      ['', 'RESOLVED chat/mattermost: container mattermost is crash-looping (1 pod)'],
      ['p1', 'resolved after 0 s: container mattermost is crash-looping (1 pod) no longer seen'],
    ]);
    await tracker.stop();
  });

  it('a batch waiting for the store is given up when the term ends: stop does not wait for the store', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const store = new DownStore(new FakeStateBackend());
    const keeper = new ThreadKeeper({
      notifier,
      store,
      clock,
      logger: silentLogger,
      route: () => Promise.resolve('incidents'),
      coolDownMs: defaultThresholds.coolDownMs,
    });
    const tracker = new IncidentTracker({ engine: new IncidentEngine(defaultThresholds), keeper, clock });
    await tracker.start();
    store.down = true;
    tracker.observe(installation([crashLooping('mm-a')]));
    await clock.advance(5_000);
    await tracker.stop();
    store.down = false;
    await clock.advance(60_000);
    expect(notifier.posts).toHaveLength(0); // the next leader posts it, from the cluster as it finds it
  });

  it('a root the outbox gave up (dropped after its hour) is posted again at the next change, not replied to', async () => {
    const clock = new FakeClock(t0);
    let givenUp = 0;
    const notifier = new (class extends FakeNotifier {
      // The first root is given up as the outbox gives up a message still failing after its hour.
      override post(...args: Parameters<FakeNotifier['post']>): ReturnType<FakeNotifier['post']> {
        if (givenUp++ > 0) return super.post(...args);
        return { key: 'given-up', channel: args[0].channel, delivery: Promise.resolve({ ok: false, reason: 'still undelivered 60 min after it was queued' }) };
      }
    })(['incidents']);
    const { tracker } = leader(clock, notifier, new FakeStateBackend());
    await tracker.start();
    tracker.observe(installation([crashLooping('mm-a')]));
    await settle(clock, tracker);
    expect(notifier.posts).toHaveLength(0);
    tracker.observe(installation([crashLooping('mm-a'), crashLooping('mm-b')]));
    await settle(clock, tracker, 1_000);
    // Before the fix the change was a reply to the root given up: refused, and the incident had no post at all.
    expect(notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]])).toEqual([
      ['', 'CRITICAL chat/mattermost: container mattermost is crash-looping (2 pods)'],
    ]);
    await tracker.stop();
  });

  it('a batch is one read and one update of the threads document, saved before any of its posts is queued', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const store = new CountingStore(new FakeStateBackend());
    // Each post is queued only once its thread is in the cluster: a leader that stops right after neither loses nor reposts it.
    const unsaved: string[] = [];
    const post = notifier.post.bind(notifier);
    notifier.post = (to, reply) => {
      const saved = store.peek(threadsDocument)?.threads.map((t) => t.incident.installation?.name) ?? [];
      const name = /chat\/(mm-\d)/.exec(textOf(reply))?.[1];
      if (!name || !saved.includes(name)) unsaved.push(name ?? textOf(reply));
      return post(to, reply);
    };
    const keeper = new ThreadKeeper({
      notifier,
      store,
      clock,
      logger: silentLogger,
      route: () => Promise.resolve('incidents'),
      coolDownMs: defaultThresholds.coolDownMs,
    });
    const tracker = new IncidentTracker({ engine: new IncidentEngine(defaultThresholds), keeper, clock });
    await tracker.start();
    const names = ['mm-1', 'mm-2', 'mm-3', 'mm-4', 'mm-5'];
    const looping = (restarts: number) => names.map((name) => ({ ...installation([crashLooping(`${name}-a`, restarts)]), name }));
    store.counts.clear();
    tracker.observeAll(looping(5));
    await tracker.settled();
    expect(Object.fromEntries(store.counts)).toEqual({ 'read incidents/threads': 1, 'read notify/mutes': 1, 'update incidents/threads': 1 });
    await settle(clock, tracker);
    expect(notifier.posts).toHaveLength(5);
    expect(unsaved).toEqual([]);
    expect(store.peek(threadsDocument)?.threads.map((t) => t.rootPostId)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    await tracker.stop();
  });
});

/** The fake store, counting the reads and updates of each document. */
class CountingStore extends FakeStateStore {
  readonly counts = new Map<string, number>();
  override read<T>(doc: StateDocument<T>): Promise<Versioned<T>> {
    this.count(`read ${doc.name}`);
    return super.read(doc);
  }
  override update<T>(doc: StateDocument<T>, change: (current: T) => T, options?: UpdateOptions): Promise<T> {
    this.count(`update ${doc.name}`);
    return super.update(doc, change, options);
  }
  private count(what: string): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
  }
}

/** The fake store, refusing every read and update while `down` (an apiserver that is not there). */
class DownStore extends FakeStateStore {
  down = false;
  override read<T>(doc: StateDocument<T>): Promise<Versioned<T>> {
    return this.down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443')) : super.read(doc);
  }
  override update<T>(doc: StateDocument<T>, change: (current: T) => T, options?: UpdateOptions): Promise<T> {
    return this.down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443')) : super.update(doc, change, options);
  }
}
