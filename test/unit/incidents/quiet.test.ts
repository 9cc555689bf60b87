/**
 * Quiet by design (issue 12) on the fake clock, notifier and state store: the start-up baseline
 * (one post for what was already broken, its resolutions in that post's thread, restart-safe, and
 * no baseline for a leader that takes over saved threads) and the storm post (a burst of new
 * incidents across installations listed in one post, edited as more arrive, capped, their
 * resolutions in its thread, going on after a restart, in order after an outage). The list posts
 * are golden files as Mattermost renders them.
 */
import { describe, expect, it } from 'vitest';
import { renderPost } from '../../../src/adapters/mattermost/render-post.ts';
import { IncidentEngine } from '../../../src/core/incidents/engine.ts';
import { IncidentTracker } from '../../../src/core/incidents/incident-tracker.ts';
import { ListKeeper } from '../../../src/core/incidents/list-keeper.ts';
import { threadsDocument } from '../../../src/core/incidents/thread-document.ts';
import { ThreadKeeper } from '../../../src/core/incidents/thread-keeper.ts';
import { defaultThresholds, type Thresholds } from '../../../src/core/incidents/thresholds.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import type { Reply } from '../../../src/core/reply.ts';
import type { Incident } from '../../../src/core/incidents/incident.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeNotifier, textOf } from '../../fakes/fake-notifier.ts';
import { FakeStateBackend, FakeStateStore } from '../../fakes/fake-state-store.ts';
import { crashLooping, healthyPod, installation, t0 } from './snapshots.ts';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const minute = 60_000;

function leader(clock: FakeClock, notifier: FakeNotifier, backend: FakeStateBackend, thresholds: Thresholds = defaultThresholds) {
  const store = new FakeStateStore(backend);
  const route = () => Promise.resolve('incidents');
  const lists = new ListKeeper({ notifier, store, clock, logger: silentLogger, route, thresholds });
  const keeper = new ThreadKeeper({ notifier, store, clock, logger: silentLogger, route, coolDownMs: thresholds.coolDownMs, lists });
  const tracker = new IncidentTracker({
    engine: new IncidentEngine(thresholds),
    keeper,
    clock,
    lists: { keeper: lists, baselineGapMs: thresholds.baselineGapMs, logger: silentLogger },
  });
  return { tracker, store };
}

async function settle(clock: FakeClock, tracker: IncidentTracker, ms = 0): Promise<void> {
  await clock.advance(ms);
  await tracker.settled();
  await clock.advance(0);
}

/** Installation `mm-<n>` of namespace chat, crash-looping or healthy. */
const broken = (n: number) => installation([crashLooping(`mm-${n}-a`)], { name: `mm-${n}` });
const healthy = (n: number) => installation([healthyPod(`mm-${n}-a`)], { name: `mm-${n}` });
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** Each post as [thread root ('' for a root), first line]. */
const lines = (notifier: FakeNotifier): [string, string][] => notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]!]);
/** The rows of a list post's table. */
const rowsOf = (reply: Reply): string[][] => reply.blocks.flatMap((b) => (b.kind === 'table' ? b.rows : []));

describe('start-up baseline', () => {
  it('what is broken when matterops first watches is one post, not a root each; a resolution is a reply to it and edits it', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const { tracker, store } = leader(clock, notifier, new FakeStateBackend());
    await tracker.start();
    tracker.observeAll([broken(1), broken(2), healthy(3), broken(4)]);
    await settle(clock, tracker);
    expect(notifier.posts).toHaveLength(1);
    const summary = notifier.posts[0]!;
    await expect(json(renderPost(summary.reply))).toMatchFileSnapshot('__golden__/baseline-open.json');
    expect(store.peek(threadsDocument)?.threads.map((t) => [t.key, t.listedIn?.split(':')[0], t.rootPostId])).toEqual([
      ['crash-loop:chat/mm-1:mattermost', 'baseline', undefined],
      ['crash-loop:chat/mm-2:mattermost', 'baseline', undefined],
      ['crash-loop:chat/mm-4:mattermost', 'baseline', undefined],
    ]);

    // Still broken a minute later (more restarts): nothing to say.
    tracker.observeAll([broken(1), broken(2), broken(4)]);
    await settle(clock, tracker, minute);
    expect(notifier.posts).toHaveLength(1);

    tracker.observe(healthy(2));
    await settle(clock, tracker, 35_000);
    expect(lines(notifier)).toEqual([
      ['', '3 problems were already present when matterops started watching'],
      [summary.id, 'resolved after 1 min: chat/mm-2: container mattermost is crash-looping (1 pod) no longer seen'],
    ]);
    expect(rowsOf(summary.reply).map((r) => [r[0], r[1]])).toEqual([
      ['CRITICAL', 'chat/mm-1'],
      ['CRITICAL', 'chat/mm-4'],
      ['RESOLVED', 'chat/mm-2'],
    ]);
    expect(summary.edits).toBe(1);
    await tracker.stop();
  });

  it('a listed incident that changes (another pod joins) is a reply to the summary, and its line shows the change', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const { tracker } = leader(clock, notifier, new FakeStateBackend());
    await tracker.start();
    tracker.observeAll([broken(1), broken(2)]);
    await settle(clock, tracker);
    tracker.observe(installation([crashLooping('mm-1-a'), crashLooping('mm-1-b')], { name: 'mm-1' }));
    await settle(clock, tracker, 1_000);
    const summary = notifier.posts[0]!;
    expect(lines(notifier)).toEqual([
      ['', '2 problems were already present when matterops started watching'],
      [summary.id, 'now: chat/mm-1: container mattermost is crash-looping (2 pods) (critical)'],
    ]);
    expect(rowsOf(summary.reply).map((r) => r[2])).toEqual(['container mattermost is crash-looping (2 pods)', 'container mattermost is crash-looping (1 pod)']);
    await tracker.stop();
  });

  it('a problem that begins after the first look gets a root of its own', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const { tracker } = leader(clock, notifier, new FakeStateBackend());
    await tracker.start();
    tracker.observeAll([broken(1), healthy(2)]);
    await settle(clock, tracker);
    tracker.observe(broken(2));
    await settle(clock, tracker, 1_000);
    expect(lines(notifier)).toEqual([
      ['', '1 problem was already present when matterops started watching'],
      ['', 'CRITICAL chat/mm-2: container mattermost is crash-looping (1 pod)'],
    ]);
    await tracker.stop();
  });

  it('a leader restarted within the gap posts no second summary, resolves in its thread, and a relapse is a reply there too', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const backend = new FakeStateBackend();
    const first = leader(clock, notifier, backend);
    await first.tracker.start();
    first.tracker.observeAll([broken(1), broken(2)]);
    await settle(clock, first.tracker, 1_000);
    await first.tracker.stop();
    await clock.advance(10 * minute);

    const next = leader(clock, notifier, backend);
    await next.tracker.start();
    next.tracker.observeAll([broken(1), healthy(2)]);
    await settle(clock, next.tracker, 35_000);
    next.tracker.observe(broken(2));
    await settle(clock, next.tracker, 1_000);
    expect(lines(notifier)).toEqual([
      ['', '2 problems were already present when matterops started watching'],
      ['p1', 'resolved after 10 min: chat/mm-2: container mattermost is crash-looping (1 pod) no longer seen'],
      ['p1', 'relapsed: chat/mm-2: container mattermost is crash-looping (1 pod) (critical)'],
    ]);
    await next.tracker.stop();
  });

  it('a leader that takes over saved threads within the gap makes no baseline of them, nor of what began while it was away', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const backend = new FakeStateBackend();
    const first = leader(clock, notifier, backend);
    await first.tracker.start();
    first.tracker.observeAll([healthy(1), healthy(2)]);
    first.tracker.observe(broken(1));
    await settle(clock, first.tracker, 1_000);
    await first.tracker.stop();
    await clock.advance(30 * minute); // the heartbeat every 15 min stopped with it; 30 min is within the 1 h gap

    const next = leader(clock, notifier, backend);
    await next.tracker.start();
    next.tracker.observeAll([broken(1), broken(2)]);
    await settle(clock, next.tracker, 1_000);
    expect(lines(notifier)).toEqual([
      ['', 'CRITICAL chat/mm-1: container mattermost is crash-looping (1 pod)'],
      ['', 'CRITICAL chat/mm-2: container mattermost is crash-looping (1 pod)'],
    ]);
    await next.tracker.stop();
  });

  it('after a gap longer than an hour, the first look is a baseline again; threads kept from before go on in their own threads', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const backend = new FakeStateBackend();
    const first = leader(clock, notifier, backend);
    await first.tracker.start();
    first.tracker.observeAll([healthy(1)]);
    first.tracker.observe(broken(1));
    await settle(clock, first.tracker, 1_000);
    // Watching for a while: the heartbeat keeps the gap from opening while it runs.
    await settle(clock, first.tracker, 2 * 60 * minute);
    await first.tracker.stop();
    await clock.advance(61 * minute);

    const next = leader(clock, notifier, backend);
    await next.tracker.start();
    next.tracker.observeAll([broken(1), broken(2)]);
    await settle(clock, next.tracker, 1_000);
    next.tracker.observe(healthy(1));
    await settle(clock, next.tracker, 35_000);
    expect(lines(notifier)).toEqual([
      ['', 'RESOLVED chat/mm-1: container mattermost is crash-looping (1 pod)'], // its root, edited at the resolution
      ['', '1 problem was already present when matterops started watching'],
      ['p1', 'resolved after 3 h 1 min: container mattermost is crash-looping (1 pod) no longer seen'],
    ]);
    await next.tracker.stop();
  });
});

describe('storm post', () => {
  it('more than 10 new incidents at once are one storm post with the list, no root each; more join it, resolutions are replies', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const { tracker, store } = leader(clock, notifier, new FakeStateBackend());
    await tracker.start();
    tracker.observeAll(range(1, 15).map(healthy));
    await settle(clock, tracker);
    tracker.observeAll(range(1, 13).map(broken));
    await settle(clock, tracker, 1_000);
    expect(notifier.posts).toHaveLength(1);
    const storm = notifier.posts[0]!;
    await expect(json(renderPost(storm.reply))).toMatchFileSnapshot('__golden__/storm-open.json');

    // Two more within the window join the same post (an edit, no new post, no root).
    await settle(clock, tracker, 2 * minute);
    tracker.observeAll([broken(13), broken(14)]);
    await settle(clock, tracker, 1_000);
    expect(notifier.posts).toHaveLength(1);
    expect(textOf(storm.reply).split('\n')[0]).toBe('Incident storm: 14 new incidents since 2026-11-27 09:00:00 UTC');

    tracker.observe(healthy(3));
    await settle(clock, tracker, 35_000);
    expect(lines(notifier)).toEqual([
      ['', 'Incident storm: 14 new incidents since 2026-11-27 09:00:00 UTC'],
      [storm.id, 'resolved after 2 min: chat/mm-3: container mattermost is crash-looping (1 pod) no longer seen'],
    ]);
    // Every incident is tracked and kept, each pointing at the storm post.
    expect(store.peek(threadsDocument)?.threads.filter((t) => t.listedIn?.startsWith('storm:'))).toHaveLength(14);

    // A relapse within the cool-down is a reply in the storm's thread, as in any incident's own.
    tracker.observe(broken(3));
    await settle(clock, tracker, 1_000);
    expect(lines(notifier).at(-1)).toEqual([storm.id, 'relapsed: chat/mm-3: container mattermost is crash-looping (1 pod) (critical)']);

    // Five quiet minutes: the storm is over, and the next new incident is a thread of its own.
    await settle(clock, tracker, 6 * minute);
    tracker.observe(broken(15));
    await settle(clock, tracker, 1_000);
    expect(lines(notifier).at(-1)).toEqual(['', 'CRITICAL chat/mm-15: container mattermost is crash-looping (1 pod)']);
    await tracker.stop();
  });

  it('the 11th new incident within 5 min starts the storm: the first 10 keep their roots', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const { tracker } = leader(clock, notifier, new FakeStateBackend());
    await tracker.start();
    tracker.observeAll(range(1, 13).map(healthy));
    for (const n of range(1, 13)) {
      tracker.observe(broken(n));
      await settle(clock, tracker, 10_000);
    }
    expect(lines(notifier).filter(([, line]) => line.startsWith('CRITICAL'))).toHaveLength(10);
    expect(lines(notifier).slice(10)).toEqual([['', 'Incident storm: 2 new incidents since 2026-11-27 09:01:40 UTC']]);
    await tracker.stop();
  });

  it('a storm shows 20 incidents, open ones first, and counts the rest', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const { tracker } = leader(clock, notifier, new FakeStateBackend());
    await tracker.start();
    tracker.observeAll(range(1, 26).map(healthy));
    tracker.observeAll(range(1, 26).map(broken));
    await settle(clock, tracker, 1_000);
    tracker.observe(healthy(1));
    await settle(clock, tracker, 35_000);
    const storm = notifier.posts[0]!;
    expect(rowsOf(storm.reply)).toHaveLength(20);
    expect(rowsOf(storm.reply).map((r) => r[1])).not.toContain('chat/mm-1'); // resolved: after the 24 open ones
    expect(textOf(storm.reply).split('\n\n').at(-1)).toBe('and 5 more');
    await tracker.stop();
  });

  it('a leader restarted during a storm adds to the same post, and resolves its incidents in its thread', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const backend = new FakeStateBackend();
    const first = leader(clock, notifier, backend);
    await first.tracker.start();
    first.tracker.observeAll(range(1, 14).map(healthy));
    first.tracker.observeAll(range(1, 12).map(broken));
    await settle(clock, first.tracker, 1_000);
    await first.tracker.stop();
    await clock.advance(minute);

    const next = leader(clock, notifier, backend);
    await next.tracker.start();
    next.tracker.observeAll([...range(1, 12).map(broken), healthy(12), broken(13)]);
    await settle(clock, next.tracker, 1_000);
    next.tracker.observe(healthy(5));
    await settle(clock, next.tracker, 35_000);
    expect(lines(notifier)).toEqual([
      ['', 'Incident storm: 12 new incidents since 2026-11-27 09:00:00 UTC'],
      ['p1', 'resolved after 1 min: chat/mm-5: container mattermost is crash-looping (1 pod) no longer seen'],
    ]);
    await next.tracker.stop();
  });

  it('a storm post the last leader saved but never delivered (it stopped in between) is posted by the next leader at its start', async () => {
    const clock = new FakeClock(t0);
    const backend = new FakeStateBackend();
    // The first leader's outbox never reaches Mattermost and dies with it.
    const lost = new FakeNotifier(['incidents']);
    lost.cut();
    const first = leader(clock, lost, backend);
    await first.tracker.start();
    first.tracker.observeAll(range(1, 13).map(healthy));
    first.tracker.observeAll(range(1, 13).map(broken));
    await settle(clock, first.tracker, 1_000);
    await first.tracker.stop();
    expect(first.store.peek(threadsDocument)?.lists.map((l) => [l.kind, l.rootPostId, l.items.length])).toEqual([['storm', undefined, 12]]);
    await clock.advance(minute);

    const notifier = new FakeNotifier(['incidents']);
    const next = leader(clock, notifier, backend);
    await next.tracker.start();
    // Its first look finds them as they were: no change to post the list for.
    next.tracker.observeAll(range(1, 13).map(broken));
    await settle(clock, next.tracker, 1_000);
    expect(lines(notifier)).toEqual([['', 'Incident storm: 12 new incidents since 2026-11-27 09:00:00 UTC']]);
    expect(next.store.peek(threadsDocument)?.lists.map((l) => l.rootPostId)).toEqual(['p1']);
    next.tracker.observe(healthy(4));
    await settle(clock, next.tracker, 35_000);
    expect(lines(notifier).at(-1)).toEqual(['p1', 'resolved after 1 min: chat/mm-4: container mattermost is crash-looping (1 pod) no longer seen']);
    await next.tracker.stop();
  });

  it('with Mattermost down, the storm post and then its replies arrive in order once it is back', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const { tracker } = leader(clock, notifier, new FakeStateBackend());
    await tracker.start();
    tracker.observeAll(range(1, 13).map(healthy));
    notifier.cut();
    tracker.observeAll(range(1, 13).map(broken));
    await settle(clock, tracker, 5_000);
    tracker.observeAll([healthy(1), healthy(2)]);
    await settle(clock, tracker, 35_000);
    expect(notifier.posts).toHaveLength(0);
    notifier.restore();
    await settle(clock, tracker, 1_000);
    expect(lines(notifier)).toEqual([
      ['', 'Incident storm: 12 new incidents since 2026-11-27 09:00:00 UTC'],
      ['p1', 'resolved after 5 s: chat/mm-1: container mattermost is crash-looping (1 pod) no longer seen'],
      ['p1', 'resolved after 5 s: chat/mm-2: container mattermost is crash-looping (1 pod) no longer seen'],
    ]);
    expect(rowsOf(notifier.posts[0]!.reply).filter((r) => r[0] === 'RESOLVED')).toHaveLength(2);
    await tracker.stop();
  });
});

describe('a long storm in the threads document', () => {
  /** A rule incident of installation `chat/mm-<n>`, open since `since`. */
  const incident = (n: number, since: Date): Incident => ({
    key: `crash-loop:chat/mm-${n}:mattermost`,
    source: 'rules',
    installation: { namespace: 'chat', name: `mm-${n}` },
    rule: 'crash-loop',
    severity: 'critical',
    title: 'container mattermost is crash-looping (1 pod)',
    since,
    affected: [],
    evidence: { facts: [], lines: [] },
    state: 'open',
  });

  it('2,000 incidents of one long storm keep at most 200 items, none forgotten, under 64 KiB of lists, and the post counts them all', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const store = new FakeStateStore(new FakeStateBackend()); // it refuses a group over 512 KiB, as the cluster's does
    // A 10 min cool-down: the threads themselves (each incident in full) then fit in the group; what grows is the list.
    const thresholds = { ...defaultThresholds, coolDownMs: 10 * minute };
    const lists = new ListKeeper({ notifier, store, clock, logger: silentLogger, route: () => Promise.resolve('incidents'), thresholds });
    const saved = () => store.peek(threadsDocument)!;
    // 100 open every 4 min (within the 5 min window: one storm for 80 min), each resolving a minute later.
    for (const batch of range(0, 20)) {
      const ns = range(batch * 100, batch * 100 + 100);
      const since = clock.now();
      expect(await lists.take(ns.map((n) => ({ kind: 'opened' as const, incident: incident(n, since) })))).toEqual([]);
      if (batch === 19) break; // the last stay open
      await clock.advance(minute);
      const resolvedAt = clock.now();
      await lists.take(ns.map((n) => ({ kind: 'resolved' as const, incident: { ...incident(n, since), state: 'resolved' as const, resolvedAt } })));
      await clock.advance(3 * minute);
    }
    await clock.advance(0); // the last edit delivered
    const [list, ...others] = saved().lists;
    expect(others).toEqual([]);
    expect(list!.items).toHaveLength(200);
    expect(list!.more).toBe(1_800);
    // No item of an incident forgotten after its cool-down.
    const threads = new Set(saved().threads.map((t) => t.key));
    expect(list!.items.filter((i) => !threads.has(i.key))).toEqual([]);
    expect(JSON.stringify(saved().lists).length).toBeLessThan(64 * 1024);
    expect(notifier.posts.filter((p) => p.root === '')).toHaveLength(1); // the rest are replies in its thread
    const storm = notifier.posts[0]!;
    expect(textOf(storm.reply).split('\n')[0]).toBe('Incident storm: 2000 new incidents since 2026-11-27 09:00:00 UTC');
    expect(textOf(storm.reply).split('\n\n').at(-1)).toBe('and 1980 more');
    expect(rowsOf(storm.reply).filter((r) => r[0] === 'CRITICAL')).toHaveLength(20); // the open ones first
  });
});
