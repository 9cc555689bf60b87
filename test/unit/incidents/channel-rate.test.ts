/**
 * The per-channel cap on incident posts (issue 12, "a per-channel send rate") on the fake clock
 * and notifier: over the cap a channel's posts wait and go out as the minute allows, in order;
 * a waiting update is replaced by its thread's next one (each thread sends its latest state),
 * never past a post of its thread that came between; roots, resolutions and relapses wait whole;
 * an edit of a waiting root changes what it will say. Through the leader's keepers too (a golden
 * list of what each channel gets, and when).
 */
import { describe, expect, it } from 'vitest';
import { ChannelRate } from '../../../src/core/incidents/channel-rate.ts';
import type { IncidentChange } from '../../../src/core/incidents/incident-change.ts';
import type { Incident } from '../../../src/core/incidents/incident.ts';
import { defaultThresholds } from '../../../src/core/incidents/thresholds.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { reply, text } from '../../../src/core/reply.ts';
import { incidentKeepers } from '../../../src/leader/incident-watch.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeNotifier, textOf } from '../../fakes/fake-notifier.ts';
import { FakeStateStore } from '../../fakes/fake-state-store.ts';
import { t0 } from './snapshots.ts';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const minute = 60_000;
const say = (words: string) => reply('info', text(words));
/** Each post as [channel, thread root ('' for a root), its text]. */
const made = (n: FakeNotifier): [string, string, string][] => n.posts.map((p) => [p.channel, p.root, textOf(p.reply)]);

function setUp(perMinute = 3) {
  const clock = new FakeClock(t0);
  const notifier = new FakeNotifier(['a', 'b']);
  return { clock, notifier, rate: new ChannelRate({ notifier, clock, perMinute }) };
}

describe('the per-channel cap', () => {
  it('sends a channel at most its cap in any minute, the rest in order as the minute allows; another channel is not held', async () => {
    const { clock, notifier, rate } = setUp();
    for (const n of [1, 2, 3, 4, 5]) rate.post({ channel: 'a' }, say(`a${n}`));
    rate.post({ channel: 'b' }, say('b1'));
    await clock.advance(0);
    expect(made(notifier).map(([, , t]) => t)).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect(rate.depth).toBe(2);
    await clock.advance(minute - 1);
    expect(notifier.posts).toHaveLength(4);
    await clock.advance(1);
    expect(made(notifier).map(([, , t]) => t)).toEqual(['a1', 'a2', 'a3', 'b1', 'a4', 'a5']);
    expect(rate.depth).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it("keeps a post's files: sent at once or after waiting, and its delivery names them (a root's log tail)", async () => {
    const { clock, notifier, rate } = setUp(1);
    const file = { name: 'mm-a-mattermost-previous.log', content: 'the crash\n' };
    const first = rate.post({ channel: 'a' }, say('root 1'), [file]);
    const second = rate.post({ channel: 'a' }, say('root 2'), [{ ...file, name: 'mm-b-mattermost-previous.log' }]);
    await clock.advance(minute);
    expect(notifier.posts.map((p) => p.files.map((f) => f.name))).toEqual([['mm-a-mattermost-previous.log'], ['mm-b-mattermost-previous.log']]);
    expect(await first.delivery).toMatchObject({ ok: true, fileIds: [notifier.posts[0]!.files[0]!.id] });
    expect(await second.delivery).toMatchObject({ ok: true, fileIds: [notifier.posts[1]!.files[0]!.id] });
  });

  it('a waiting update is replaced by its thread next one; a resolution waits whole, after it, once', async () => {
    const { clock, notifier, rate } = setUp(2);
    const root = rate.post({ channel: 'a' }, say('root'));
    rate.post({ channel: 'a' }, say('other root'));
    for (const n of [1, 2, 3]) rate.post({ channel: 'a', thread: root, coalesce: 'update' }, say(`now ${n}`));
    const resolved = rate.post({ channel: 'a', thread: root }, say('resolved'));
    await clock.advance(minute);
    expect(await resolved.delivery).toEqual({ ok: true, postId: 'p4' });
    expect(made(notifier)).toEqual([
      ['a', '', 'root'],
      ['a', '', 'other root'],
      ['a', 'p1', 'now 3'],
      ['a', 'p1', 'resolved'],
    ]);
  });

  it('an update never passes a post of its thread that came between (a resolution, then a relapse)', async () => {
    const { clock, notifier, rate } = setUp(1);
    const root = rate.post({ channel: 'a' }, say('root'));
    rate.post({ channel: 'a', thread: root, coalesce: 'update' }, say('now 1'));
    rate.post({ channel: 'a', thread: root }, say('resolved'));
    rate.post({ channel: 'a', thread: root }, say('relapsed'));
    rate.post({ channel: 'a', thread: root, coalesce: 'update' }, say('now 2'));
    await clock.advance(4 * minute);
    expect(made(notifier).map(([, , t]) => t)).toEqual(['root', 'now 1', 'resolved', 'relapsed', 'now 2']);
  });

  it('a reply to a waiting root goes in its thread; an edit of it changes what it says; an edit of a made post waits behind the channel, coalesced', async () => {
    const { clock, notifier, rate } = setUp(1);
    const first = rate.post({ channel: 'a' }, say('first'));
    const held = rate.post({ channel: 'a' }, say('CRITICAL'));
    rate.post({ channel: 'a', thread: held }, say('reply'));
    void rate.edit(held, say('RESOLVED'));
    void rate.edit(first, say('first, edited'));
    const edited = rate.edit(first, say('first, edited twice'));
    await clock.advance(0);
    expect(made(notifier).map(([, , t]) => t)).toEqual(['first']);
    await clock.advance(2 * minute);
    expect((await edited).ok).toBe(true);
    expect(made(notifier)).toEqual([
      ['a', '', 'first, edited twice'],
      ['a', '', 'RESOLVED'],
      ['a', 'p2', 'reply'],
    ]);
    expect(notifier.posts.map((p) => p.edits)).toEqual([1, 0, 0]);
  });

  it('released at shutdown: everything waiting goes to the inner notifier at once, in order per channel and thread, and after it no cap', async () => {
    const { clock, notifier, rate } = setUp(1);
    rate.post({ channel: 'a' }, say('a root'));
    const held = rate.post({ channel: 'a' }, say('held root'));
    rate.post({ channel: 'a', thread: held, coalesce: 'update' }, say('now 1'));
    const resolved = rate.post({ channel: 'a', thread: held }, say('resolved'));
    void rate.edit(held, say('held root, RESOLVED'));
    rate.post({ channel: 'b' }, say('b root'));
    rate.post({ channel: 'b' }, say('b held'));
    await clock.advance(0);
    expect(rate.depth).toBe(4);
    rate.release();
    // Handed over now, the clock not moved: nothing is left waiting here, no timer to end the process on.
    expect(clock.pending).toBe(0);
    await clock.advance(0);
    expect(made(notifier)).toEqual([
      ['a', '', 'a root'],
      ['b', '', 'b root'],
      ['a', '', 'held root, RESOLVED'],
      ['a', 'p3', 'now 1'],
      ['a', 'p3', 'resolved'],
      ['b', '', 'b held'],
    ]);
    expect(await resolved.delivery).toEqual({ ok: true, postId: 'p5' });
    rate.post({ channel: 'a' }, say('after'));
    rate.post({ channel: 'a' }, say('after, too'));
    await clock.advance(0);
    expect(
      made(notifier)
        .slice(6)
        .map(([, , t]) => t),
    ).toEqual(['after', 'after, too']);
    expect(rate.depth).toBe(0);
  });

  it('finds a sent post by the ref it handed out for as long as that is held, by a copy of it only for the newest (what it remembers stays bounded)', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['a']);
    const rate = new ChannelRate({ notifier, clock, perMinute: 1, rememberedByKey: 2 });
    rate.post({ channel: 'a' }, say('root 1'));
    const second = rate.post({ channel: 'a' }, say('root 2'));
    const third = rate.post({ channel: 'a' }, say('root 3'));
    await clock.advance(2 * minute);
    const replies = [
      rate.post({ channel: 'a', thread: second }, say('to root 2')),
      rate.post({ channel: 'a', thread: { ...third } }, say('to a copy of root 3')),
      rate.post({ channel: 'a', thread: { ...second } }, say('to a copy of root 2')),
    ];
    await clock.advance(3 * minute);
    expect(await rate.edit(second, say('root 2, edited'))).toMatchObject({ ok: true });
    expect(made(notifier)).toEqual([
      ['a', '', 'root 1'],
      ['a', '', 'root 2, edited'],
      ['a', '', 'root 3'],
      ['a', 'p2', 'to root 2'],
      ['a', 'p3', 'to a copy of root 3'],
    ]);
    // Two remembered by key, the replies that waited among them: by the third reply's turn root 2 is
    // past them, so a copy of its ref names a post the inner notifier does not know.
    expect(await replies[2]!.delivery).toEqual({ ok: false, reason: 'the post it replies to was never made' });
  });
});

function incident(n: number, changes: Partial<Incident> = {}): Incident {
  return {
    key: `pods-not-ready:chat/mm-${n}`,
    source: 'rules',
    installation: { namespace: 'chat', name: `mm-${n}` },
    rule: 'pods-not-ready',
    severity: 'warning',
    title: '1 of 2 pods not ready',
    since: t0,
    affected: [`mm-${n}-a`],
    evidence: { facts: [], lines: [] },
    state: 'open',
    ...changes,
  };
}

describe('the cap in the leader keepers', () => {
  it('with incidents.channelRate 4: roots and replies past it wait; each thread sends its latest update, every resolution arrives', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    // As main.ts wires it: the keepers post through the cap, the cap into the outbox.
    const capped = new ChannelRate({ notifier, clock, perMinute: 4 });
    const { keeper, lists } = incidentKeepers({
      store: new FakeStateStore(),
      notifier: capped,
      thresholds: defaultThresholds,
      defaultChannel: 'incidents',
      clock,
      logger: silentLogger,
    });
    await lists.watching(); // a leader watching already: openings are news
    /** What the channel got, and when (seconds after the first change). */
    const when: [string, string, string][] = [];
    const track = (): void => {
      for (const p of notifier.posts.slice(when.length))
        when.push([`${(clock.now().getTime() - t0.getTime()) / 1000} s`, p.root, textOf(p.reply).split('\n')[0]!]);
    };
    const apply = async (...changes: IncidentChange[]): Promise<void> => {
      await keeper.apply(changes);
      await clock.advance(1_000);
      track();
    };
    await apply(...[1, 2, 3].map((n): IncidentChange => ({ kind: 'opened', incident: incident(n) })));
    for (const pods of [2, 3, 4]) {
      const affected = Array.from({ length: pods }, (_, i) => `mm-1-${i}`);
      await apply({ kind: 'updated', incident: incident(1, { title: `${pods} of 4 pods not ready`, affected }) });
    }
    await apply({ kind: 'resolved', incident: incident(2, { state: 'resolved', resolvedAt: clock.now() }) });
    for (let s = 0; s < 24; s++) {
      await clock.advance(5_000);
      track();
    }
    await expect(json(when)).toMatchFileSnapshot('__golden__/channel-rate-posts.json');
    // Four in the first minute (three roots, the first update); the held "3 of 4" gave way to "4 of 4"; the resolution came whole, after it.
    expect(notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]])).toEqual([
      ['', 'WARNING chat/mm-1: 4 of 4 pods not ready'],
      ['', 'RESOLVED chat/mm-2: 1 of 2 pods not ready'],
      ['', 'WARNING chat/mm-3: 1 of 2 pods not ready'],
      ['p1', 'now: 2 of 4 pods not ready (warning)'],
      ['p1', 'now: 4 of 4 pods not ready (warning)'],
      ['p2', 'resolved after 4 s: 1 of 2 pods not ready no longer seen'],
    ]);
    expect(clock.pending).toBe(0);
  });
});
