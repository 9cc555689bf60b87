/**
 * Mutes: a muted installation's incidents are tracked and kept, never posted; `unmute` answers
 * with one summary of what is open; a mute that runs out is summarised once by the leader; the
 * verbs are authorised per installation and bounded in time.
 */
import { describe, expect, it } from 'vitest';
import { IncidentEngine } from '../../../src/core/incidents/engine.ts';
import { IncidentTracker } from '../../../src/core/incidents/incident-tracker.ts';
import { mutesDocument } from '../../../src/core/incidents/mutes.ts';
import { threadsDocument } from '../../../src/core/incidents/thread-document.ts';
import { ThreadKeeper } from '../../../src/core/incidents/thread-keeper.ts';
import { defaultThresholds } from '../../../src/core/incidents/thresholds.ts';
import type { Caller } from '../../../src/core/model/caller.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeNotifier, textOf } from '../../fakes/fake-notifier.ts';
import { FakeStateStore } from '../../fakes/fake-state-store.ts';
import { createHarness } from '../../support/core-harness.ts';
import { crashLooping, healthyPod, installation, t0 } from './snapshots.ts';

const policy = PolicySchema.parse({
  roles: { oncall: { verbs: ['mute', 'unmute', 'mutes', 'status'] } },
  bindings: [{ role: 'oncall', subjects: [{ user: 'alice' }], scope: { namespaces: ['chat'] } }],
});
const alice: Caller = { id: 'mm-alice', name: '@alice', via: 'mattermost', team: 'ops', channel: 'incidents' };

function setUp() {
  const state = new FakeStateStore();
  const h = createHarness({ policy, state });
  h.gateway.seed('chat', 'mattermost', { replicas: 1 });
  h.gateway.seed('staging', 'mattermost-staging', { replicas: 1 });
  const clock = new FakeClock(t0);
  const notifier = new FakeNotifier(['incidents']);
  const keeper = new ThreadKeeper({
    notifier,
    store: new FakeStateStore(state.backend),
    clock,
    logger: silentLogger,
    route: () => Promise.resolve('incidents'),
    coolDownMs: defaultThresholds.coolDownMs,
  });
  const tracker = new IncidentTracker({ engine: new IncidentEngine(defaultThresholds), keeper, clock });
  return { h, state, clock, notifier, keeper, tracker };
}

async function settle(clock: FakeClock, tracker: IncidentTracker, ms = 0): Promise<void> {
  await clock.advance(ms);
  await tracker.settled();
  await clock.advance(0);
}

describe('mutes', () => {
  it('a muted installation gets no posts but keeps its incidents; unmute answers with one summary', async () => {
    const { h, state, clock, notifier, tracker } = setUp();
    await tracker.start();
    expect((await h.run('mute mattermost 2h --reason "db migration"', alice)).text).toBe(
      'chat/mattermost is muted until 2026-11-27 11:00:00 UTC (2 h): its incidents are tracked, not posted; unmute mattermost to see them.',
    );
    tracker.observe(installation([crashLooping('mm-a'), crashLooping('mm-b')]));
    await settle(clock, tracker, 1_000);
    expect(notifier.posts).toEqual([]);
    expect(state.peek(threadsDocument)?.threads.map((t) => [t.key, t.incident.state])).toEqual([['crash-loop:chat/mattermost:mattermost', 'open']]);
    expect((await h.run('mutes', alice)).text).toContain('chat/mattermost');

    const unmuted = await h.run('unmute mattermost', alice);
    expect(unmuted.reply.tone).toBe('danger');
    expect(unmuted.text).toContain('chat/mattermost: unmuted; 1 incident open:');
    expect(unmuted.reply.blocks).toContainEqual({
      kind: 'table',
      columns: ['severity', 'incident', 'for'],
      rows: [['critical', 'container mattermost is crash-looping (2 pods)', '0 s']],
    });
    expect((await h.run('unmute mattermost', alice)).text).toBe('chat/mattermost was not muted.');

    // After the unmute the incident gets its thread at its next change, and its resolution there.
    tracker.observe(installation([crashLooping('mm-a'), healthyPod('mm-b')]));
    await settle(clock, tracker, 1_000);
    tracker.observe(installation([healthyPod('mm-a'), healthyPod('mm-b')]));
    await settle(clock, tracker, 35_000);
    expect(notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]])).toEqual([
      ['', 'RESOLVED chat/mattermost: container mattermost is crash-looping (1 pod)'],
      ['p1', 'resolved after 2 s: container mattermost is crash-looping (1 pod) no longer seen'],
    ]);
    await tracker.stop();
  });

  it('a mute that runs out is summarised once in the channel; an incident that cleared while muted is never posted', async () => {
    const { h, clock, notifier, keeper, tracker } = setUp();
    await tracker.start();
    await h.run('mute mattermost 1m', alice);
    tracker.observe(installation([crashLooping('mm-a')]));
    tracker.observe(installation([crashLooping('st-a')], { namespace: 'staging', name: 'mattermost-staging' }));
    await settle(clock, tracker, 1_000);
    expect(notifier.posts.map((p) => textOf(p.reply).split('\n')[0])).toEqual([
      'CRITICAL staging/mattermost-staging: container mattermost is crash-looping (1 pod)',
    ]);
    tracker.observe(installation([healthyPod('mm-a')]));
    await settle(clock, tracker, 35_000);
    await keeper.expireMutes();
    await clock.advance(30_000);
    await keeper.expireMutes();
    await keeper.expireMutes();
    await clock.advance(0);
    expect(notifier.posts.map((p) => textOf(p.reply).split('\n')[0])).toEqual([
      'CRITICAL staging/mattermost-staging: container mattermost is crash-looping (1 pod)',
      'chat/mattermost: mute expired; no incident is open.',
    ]);
    await tracker.stop();
  });

  it('refuses an installation outside the caller scope, and durations past 7 days or under a minute', async () => {
    const { h, state } = setUp();
    expect((await h.run('mute mattermost-staging 1h -n staging', alice)).reply.error).toBe('forbidden');
    expect((await h.run('mute mattermost 8d', alice)).text).toMatch(/a mute lasts 1m to 7d, got 8d/);
    expect((await h.run('mute mattermost 30s', alice)).text).toMatch(/a mute lasts 1m to 7d/);
    expect(state.peek(mutesDocument)).toBeUndefined();
  });
});
