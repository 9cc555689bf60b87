/**
 * Quiet hours per channel (issue 12, Quiet by design) on the fake clock, notifier and state store:
 * `notify quiet` sets and removes them with a clear message for every mistake; during them a
 * warning root and thread updates are held, a critical root and a critical resolution still post;
 * when they end the leader's timer posts one summary (a golden post), once, also when the leader
 * changed in between, and a summary saved but never delivered is posted by the next leader.
 */
import { describe, expect, it } from 'vitest';
import { cronerCalendar } from '../../../src/adapters/cron/croner-calendar.ts';
import { renderPost } from '../../../src/adapters/mattermost/render-post.ts';
import type { IncidentChange } from '../../../src/core/incidents/incident-change.ts';
import type { Incident } from '../../../src/core/incidents/incident.ts';
import { quietDocument, quietUntil } from '../../../src/core/incidents/quiet-hours.ts';
import { QuietKeeper } from '../../../src/core/incidents/quiet-keeper.ts';
import { routesDocument } from '../../../src/core/incidents/routes.ts';
import { threadsDocument } from '../../../src/core/incidents/thread-document.ts';
import { ThreadKeeper } from '../../../src/core/incidents/thread-keeper.ts';
import { defaultThresholds } from '../../../src/core/incidents/thresholds.ts';
import type { Caller } from '../../../src/core/model/caller.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeNotifier, textOf } from '../../fakes/fake-notifier.ts';
import { FakeStateBackend, FakeStateStore } from '../../fakes/fake-state-store.ts';
import { createHarness } from '../../support/core-harness.ts';
import { t0 } from './snapshots.ts';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const minute = 60_000;
const policy = PolicySchema.parse({
  roles: { lead: { verbs: ['*'] }, operator: { verbs: ['status', 'list', 'notify'] } },
  bindings: [
    { role: 'lead', subjects: [{ user: 'alice' }] },
    { role: 'operator', subjects: [{ user: 'bob' }], scope: { namespaces: ['chat'] } },
  ],
});
const chatIn = (name: string): Caller => ({ id: `mm-${name}`, name: `@${name}`, via: 'mattermost', team: 'ops', channel: 'incidents' });
const here = { channelId: 'incidents' };
// t0 is 10:00 in Berlin (UTC+1 in November): these hours hold now and end at 10:30 there, 09:30 UTC.
const covering = 'notify quiet 22:00-10:30 Europe/Berlin';

function incident(name: string, severity: Incident['severity'], changes: Partial<Incident> = {}): Incident {
  return {
    key: `pods-not-ready:chat/${name}`,
    source: 'rules',
    installation: { namespace: 'chat', name },
    rule: 'pods-not-ready',
    severity,
    title: `${severity === 'critical' ? '2 of 2' : '1 of 2'} pods not ready`,
    since: t0,
    affected: [`${name}-a`],
    evidence: { facts: [], lines: [] },
    state: 'open',
    ...changes,
  };
}

function setUp(backend = new FakeStateBackend(), clock = new FakeClock(t0), notifier = new FakeNotifier(['incidents'])) {
  const state = new FakeStateStore(backend);
  const h = createHarness({ policy, state });
  h.gateway.seed('chat', 'mattermost', { replicas: 2 });
  h.gateway.seed('staging', 'mattermost-staging', { replicas: 1 });
  const quiet = new QuietKeeper({ notifier, store: new FakeStateStore(backend), clock, logger: silentLogger, calendar: cronerCalendar });
  const keeper = new ThreadKeeper({
    notifier,
    store: new FakeStateStore(backend),
    clock,
    logger: silentLogger,
    route: () => Promise.resolve('incidents'),
    coolDownMs: defaultThresholds.coolDownMs,
    quiet,
  });
  const apply = async (...changes: IncidentChange[]): Promise<void> => {
    await keeper.apply(changes);
    await clock.advance(0);
  };
  return { h, state, clock, notifier, quiet, keeper, apply, backend };
}

const firstLines = (notifier: FakeNotifier): [string, string][] => notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]!]);

describe('notify quiet', () => {
  it('sets quiet hours for the channel typed in, says what they hold, lists them, and off removes them', async () => {
    const { h, state } = setUp();
    const set = await h.run(covering, chatIn('alice'), here);
    expect(set.text).toBe(
      'Quiet hours for this channel: 22:00-10:30 Europe/Berlin. They hold now. During them this channel gets no warning roots and no thread updates ' +
        '(they are tracked and held); critical roots and resolutions of critical incidents still post. When they end, one summary of what happened is posted. notify quiet off ends them.',
    );
    expect(state.peek(quietDocument)?.channels.map((q) => [q.channel, q.start, q.end, q.timeZone, q.by])).toEqual([
      ['incidents', '22:00', '10:30', 'Europe/Berlin', '@alice'],
    ]);
    expect((await h.run('notify quiet 1:00-6:00 UTC', chatIn('alice'), here)).text).toContain('01:00-06:00 UTC. They begin at 01:00 UTC.');
    expect((await h.run('notify list', chatIn('alice'), here)).text).toContain(
      'Quiet hours in incidents: 01:00-06:00 UTC, set by @alice on 2026-11-27 09:00 UTC.',
    );
    expect((await h.run('notify quiet off', chatIn('alice'), here)).text).toBe(
      'Quiet hours 01:00-06:00 UTC are off: this channel gets every incident post again.',
    );
    expect((await h.run('notify quiet off', chatIn('alice'), here)).text).toBe('This channel has no quiet hours.');
    expect(state.peek(quietDocument)?.channels).toEqual([]);
  });

  it('refuses a bad time, an unknown zone, a start equal to the end, a missing zone, and a terminal, saying what to type', async () => {
    const { h, state } = setUp();
    const alice = chatIn('alice');
    const said = async (input: string, options = here): Promise<string> => {
      const out = await h.run(input, alice, options);
      expect(out.reply.error).toBe('usage');
      return out.text;
    };
    expect(await said('notify quiet 22-7 Europe/Berlin')).toMatch(
      /quiet hours are two 24-hour times, start-end, like 22:00-07:00, got "22-7"[\s\S]*example: notify quiet 22:00-07:00 Europe\/Berlin/,
    );
    expect(await said('notify quiet 24:00-07:00 Europe/Berlin')).toMatch(/like 22:00-07:00, got "24:00-07:00"/);
    expect(await said('notify quiet 22:00-07:00 Europe/Berlim')).toMatch(/unknown time zone "Europe\/Berlim"[\s\S]*did you mean Europe\/Berlin\?/);
    expect(await said('notify quiet 07:00-07:00 UTC')).toMatch(/start and end at different times, got 07:00-07:00[\s\S]*type notify off/);
    expect(await said('notify quiet 22:00-07:00')).toMatch(/needs a time zone after the hours[\s\S]*example: notify quiet 22:00-07:00 Europe\/Berlin, or UTC/);
    expect(await said('notify quiet')).toMatch(/needs the hours and a time zone, or off/);
    expect(await said('notify quiet off UTC')).toMatch(/notify quiet off takes nothing more/);
    expect(await said('notify here mattermost UTC')).toMatch(/notify here does not take "UTC"/);
    expect((await h.run(covering, alice)).text).toMatch(/works in a chat channel/);
    expect(state.peek(quietDocument)).toBeUndefined();
  });

  it('needs the notify right over every installation routed to the channel, as notify here would', async () => {
    const { h, state } = setUp();
    await h.run('notify here mattermost', chatIn('alice'), here);
    // bob may notify in chat: the channel gets only chat/mattermost.
    expect((await h.run(covering, chatIn('bob'), here)).text).toContain('They hold now.');
    await h.run('notify here mattermost-staging -n staging', chatIn('alice'), here);
    const refused = await h.run('notify quiet off', chatIn('bob'), here);
    expect(refused.reply.error).toBe('forbidden');
    expect(refused.text).toContain('quiet hours here would hold the incidents of staging/mattermost-staging, and you lack the notify right on it');
    await h.run('notify here all', chatIn('alice'), here);
    expect((await h.run(covering, chatIn('bob'), here)).text).toContain('of staging/mattermost-staging, every installation');
    expect(state.peek(routesDocument)?.routes).toHaveLength(3);
    expect(state.peek(quietDocument)?.channels).toHaveLength(1);
  });

  it('set ahead of any route (only with the notify right everywhere), they are named with who set them when notify here routes to the channel, and in notify list', async () => {
    const { h, state } = setUp();
    // No route to the channel and it is not the default one: bob, who may notify in chat only, may not
    // quiet it (they would hold whatever is routed there later); alice, who may notify everywhere, may.
    const refused = await h.run('notify quiet 22:00-10:30 Europe/Berlin', chatIn('bob'), here);
    expect([refused.reply.error, refused.text]).toEqual([
      'forbidden',
      expect.stringContaining('this channel gets no incidents yet, so quiet hours here would hold those of any installation routed to it later'),
    ]);
    expect(state.peek(quietDocument)).toBeUndefined();
    expect((await h.run('notify quiet 22:00-10:30 Europe/Berlin', chatIn('alice'), here)).reply.tone).toBe('good');
    const routed = await h.run('notify here mattermost-staging -n staging', chatIn('alice'), here);
    expect(routed.text).toBe(
      'Incident threads for staging/mattermost-staging go to this channel now.\n\n' +
        'This channel has quiet hours 22:00-10:30 Europe/Berlin, set by @alice on 2026-11-27 09:00 UTC: they hold now. ' +
        'During them its warning roots and thread updates are held (critical roots and resolutions of critical incidents still post), ' +
        'one summary when they end. notify quiet off ends them.',
    );
    // Outside the hours it says when they begin; a channel without quiet hours gets the route's line alone.
    await h.run('notify quiet 23:00-06:00 UTC', chatIn('alice'), here);
    expect((await h.run('notify here mattermost', chatIn('alice'), here)).text).toContain(
      'This channel has quiet hours 23:00-06:00 UTC, set by @alice on 2026-11-27 09:00 UTC: they begin at 23:00 UTC.',
    );
    expect((await h.run('notify here mattermost', chatIn('alice'), { channelId: 'elsewhere' })).text).toBe(
      'Incident threads for chat/mattermost go to this channel now.',
    );
    const list = await h.run('notify list', chatIn('alice'), here);
    expect(list.text.split('\n').at(-1)).toBe('Quiet hours in incidents: 23:00-06:00 UTC, set by @alice on 2026-11-27 09:00 UTC.');
  });
});

describe('quiet hours', () => {
  it('hold warning roots and thread updates; critical roots and critical resolutions post; one summary when they end', async () => {
    const { h, clock, notifier, quiet, apply, state } = setUp();
    // Opened before the quiet hours: a root of its own.
    await apply({ kind: 'opened', incident: incident('before', 'warning') });
    await h.run(covering, chatIn('alice'), here);

    await apply({ kind: 'opened', incident: incident('warned', 'warning') }, { kind: 'opened', incident: incident('paged', 'critical') });
    await apply({ kind: 'updated', incident: incident('before', 'warning', { affected: ['before-a', 'before-b'] }) });
    await clock.advance(5 * minute);
    await apply({ kind: 'updated', incident: incident('paged', 'critical', { affected: ['paged-a', 'paged-b'] }) });
    await apply({ kind: 'resolved', incident: incident('paged', 'critical', { state: 'resolved', resolvedAt: clock.now() }) });
    await apply({ kind: 'resolved', incident: incident('warned', 'warning', { state: 'resolved', resolvedAt: clock.now() }) });
    // The critical root is edited to its resolution (an edit notifies nobody); its update was held.
    expect(firstLines(notifier)).toEqual([
      ['', 'WARNING chat/before: 1 of 2 pods not ready'],
      ['', 'RESOLVED chat/paged: 2 of 2 pods not ready'],
      ['p2', 'resolved after 5 min: 2 of 2 pods not ready no longer seen'],
    ]);
    // Tracked all the same: the held one is kept, its update too.
    expect(state.peek(threadsDocument)?.threads.find((t) => t.key === 'pods-not-ready:chat/before')?.incident.affected).toEqual(['before-a', 'before-b']);

    // The timer before the end: nothing; at 09:30 UTC (10:30 in Berlin): one summary; later ticks: nothing more.
    await quiet.endQuietHours();
    await clock.advance(25 * minute);
    await quiet.endQuietHours();
    await clock.advance(0);
    await quiet.endQuietHours();
    await clock.advance(0);
    expect(notifier.posts).toHaveLength(4);
    const summary = notifier.posts[3]!;
    expect(summary.root).toBe('');
    await expect(json(renderPost(summary.reply))).toMatchFileSnapshot('__golden__/quiet-summary.json');
    expect(state.peek(quietDocument)?.summaries).toEqual([]);
    expect(state.peek(quietDocument)?.channels[0]?.period).toBeUndefined();

    // After the quiet hours: posts as always.
    await apply({ kind: 'opened', incident: incident('after', 'warning') });
    expect(firstLines(notifier)[4]).toEqual(['', 'WARNING chat/after: 1 of 2 pods not ready']);
  });

  it('a held warning that becomes critical posts its root; a quiet period with no incident ends without a post', async () => {
    const { h, clock, notifier, quiet, apply } = setUp();
    await h.run(covering, chatIn('alice'), here);
    await apply({ kind: 'opened', incident: incident('mm', 'warning') });
    expect(notifier.posts).toEqual([]);
    await apply({ kind: 'updated', incident: incident('mm', 'critical') });
    expect(firstLines(notifier)).toEqual([['', 'CRITICAL chat/mm: 2 of 2 pods not ready']]);

    await clock.advance(30 * minute);
    await quiet.endQuietHours();
    await clock.advance(0);
    expect(firstLines(notifier)[1]?.[1]).toMatch(/^Quiet hours ended \(22:00-10:30 Europe\/Berlin\)\. While quiet: 1 opened, 0 resolved; 1 still open\./);

    // The next night's quiet hours with nothing in them: no summary.
    await clock.advance(24 * 60 * minute);
    await quiet.endQuietHours();
    await clock.advance(0);
    expect(notifier.posts).toHaveLength(2);
  });

  it('notify quiet off during quiet hours answers with the summary of what was held', async () => {
    const { h, notifier, apply } = setUp();
    await h.run(covering, chatIn('alice'), here);
    await apply({ kind: 'opened', incident: incident('mm', 'warning') });
    const off = await h.run('notify quiet off', chatIn('alice'), here);
    expect(off.reply.tone).toBe('warning');
    expect(off.text).toMatch(/^Quiet hours turned off \(22:00-10:30 Europe\/Berlin\)\. While quiet: 1 opened, 0 resolved; 1 still open\./);
    expect(off.reply.blocks).toContainEqual({
      kind: 'table',
      columns: ['state', 'installation', 'incident', 'while quiet'],
      rows: [['WARNING', 'chat/mm', '1 of 2 pods not ready', 'opened, still open']],
    });
    expect(notifier.posts).toEqual([]);
  });

  it('a new leader that finds the quiet hours ended with no summary posts it once', async () => {
    const backend = new FakeStateBackend();
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const first = setUp(backend, clock, notifier);
    await first.h.run(covering, chatIn('alice'), here);
    await first.apply({ kind: 'opened', incident: incident('mm', 'warning') });
    // The first leader stops before the end; a second takes over an hour later.
    await clock.advance(60 * minute);
    const second = setUp(backend, clock, notifier);
    await second.quiet.endQuietHours();
    await clock.advance(0);
    await second.quiet.endQuietHours();
    await clock.advance(0);
    expect(firstLines(notifier).map(([, line]) => line.slice(0, 40))).toEqual(['Quiet hours ended (22:00-10:30 Europe/Be']);
  });

  it('a summary saved but never delivered (the leader stopped) is posted by the next leader', async () => {
    const backend = new FakeStateBackend();
    const clock = new FakeClock(t0);
    const down = new FakeNotifier(['incidents']);
    const first = setUp(backend, clock, down);
    await first.h.run(covering, chatIn('alice'), here);
    await first.apply({ kind: 'opened', incident: incident('mm', 'warning') });
    await clock.advance(30 * minute);
    down.cut(); // Mattermost unreachable, then the leader stops with the summary in its outbox.
    await first.quiet.endQuietHours();
    await clock.advance(0);
    expect(new FakeStateStore(backend).peek(quietDocument)?.summaries).toHaveLength(1);

    const notifier = new FakeNotifier(['incidents']);
    const second = setUp(backend, clock, notifier);
    await second.quiet.endQuietHours();
    await clock.advance(0);
    expect(firstLines(notifier).map(([, line]) => line.slice(0, 18))).toEqual(['Quiet hours ended ']);
    expect(new FakeStateStore(backend).peek(quietDocument)?.summaries).toEqual([]);
  });

  it('judges the hours in their zone across a daylight-saving change (croner), the end excluded', () => {
    const q = { start: '01:00', end: '03:30', timeZone: 'Europe/Berlin' };
    // 2026-03-29: Berlin goes from 02:00 to 03:00 (UTC+1 to UTC+2).
    expect(quietUntil(q, cronerCalendar, new Date('2026-03-29T00:30:00Z'))?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(quietUntil(q, cronerCalendar, new Date('2026-03-29T01:30:00Z'))).toBeUndefined();
    expect(quietUntil(q, cronerCalendar, new Date('2026-03-28T23:59:00Z'))).toBeUndefined();
    expect(quietUntil(q, cronerCalendar, new Date('2026-03-29T00:00:00Z'))?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});
