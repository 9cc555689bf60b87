/**
 * The digest scheduler on a fake clock (issue 13): firings across daylight-saving changes in two
 * zones (neither skipped nor doubled), claim-before-post with two schedulers on one state, a
 * restart between runs, missed runs (late once, or skipped past an hour), the quiet rule (with
 * incidents opened and resolved), tests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAccess } from '../../../src/core/policy/access.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { heading, reply, text, type Reply } from '../../../src/core/reply.ts';
import { textOf } from '../../fakes/fake-notifier.ts';
import { FakeStateStore } from '../../fakes/fake-state-store.ts';
import { keepIncident } from '../digest/digest-fleets.ts';
import { createRig, type Rig } from './scheduler-rig.ts';

const hour = 3_600_000;
const day = 24 * hour;
const stops: (() => Promise<void>)[] = [];
const started = (rig: Rig, name?: string): (() => Promise<void>) => {
  const stop = rig.start(name);
  stops.push(stop);
  return stop;
};
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

describe('firings across daylight-saving changes', () => {
  it.each([
    // Europe/Berlin springs forward on 29 March 2026 (02:00 -> 03:00): 02:30 does not exist that night.
    [
      'Europe/Berlin spring',
      'Europe/Berlin',
      '30 2 * * *',
      '2026-03-27T12:00:00Z',
      ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z'],
    ],
    // ...and falls back on 25 October (03:00 -> 02:00): 02:30 happens twice, and is posted once.
    [
      'Europe/Berlin autumn',
      'Europe/Berlin',
      '30 2 * * *',
      '2026-10-23T12:00:00Z',
      ['2026-10-24T00:30:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    ],
    // America/New_York springs forward on 8 March 2026 (02:00 -> 03:00).
    [
      'America/New_York spring',
      'America/New_York',
      '30 2 * * *',
      '2026-03-06T12:00:00Z',
      ['2026-03-07T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z'],
    ],
    // ...and falls back on 1 November (02:00 -> 01:00): 01:30 happens twice.
    [
      'America/New_York autumn',
      'America/New_York',
      '30 1 * * *',
      '2026-10-30T12:00:00Z',
      ['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'],
    ],
  ])(
    '%s: one post a day, none skipped, none doubled',
    async (_label, timeZone, cron, start, expected) => {
      const rig = createRig(new Date(start));
      await rig.add({ cron, timeZone, always: true });
      const seen: string[] = [];
      const before = rig.notifier.posts.length;
      started(rig);
      // In steps shorter than a day, so each day's run is seen before the next replaces it.
      for (let step = 0; step < 3 * 4; step++) {
        await rig.clock.advance(6 * hour);
        const run = rig.stored()[0]?.lastRun;
        if (run && (run.outcome === 'posted' || run.outcome === 'claimed') && !seen.includes(run.for)) seen.push(run.for);
      }
      expect(seen).toEqual(expected);
      expect(rig.notifier.posts.length - before).toBe(3);
    },
    20_000,
  );
});

describe('claim before post', () => {
  it('two schedulers on one state post a run once', async () => {
    const rig = createRig(new Date('2026-11-27T08:59:00Z'));
    await rig.add({ always: true });
    started(rig, 'a');
    started(rig, 'b');
    await rig.clock.advance(2 * 60_000);
    expect(rig.notifier.posts).toHaveLength(1);
    expect(rig.stored()[0]?.lastRun).toMatchObject({ for: '2026-11-27T09:00:00.000Z', outcome: 'posted' });
  });

  it('a scheduler restarted between two runs neither posts the first again nor skips the second', async () => {
    const rig = createRig(new Date('2026-11-27T08:59:00Z'));
    await rig.add({ always: true });
    const stop = started(rig, 'first');
    await rig.clock.advance(2 * 60_000);
    await stop();
    await rig.clock.advance(hour);
    started(rig, 'second');
    await rig.clock.advance(day);
    expect(rig.notifier.posts.map((p) => p.channel)).toEqual(['ch-ops', 'ch-ops']);
    expect(rig.stored()[0]?.lastRun?.for).toBe('2026-11-28T09:00:00.000Z');
  });
});

describe('missed runs', () => {
  it('a run missed by 20 minutes is posted once, saying so', async () => {
    const rig = createRig(new Date('2026-11-27T08:00:00Z'));
    await rig.add({ always: true });
    await rig.clock.advance(80 * 60_000); // no scheduler ran at 09:00
    started(rig);
    await rig.clock.advance(60_000);
    expect(rig.notifier.posts).toHaveLength(1);
    expect(textOf(rig.notifier.posts[0]!.reply)).toContain('(delayed 20 min)');
    await rig.clock.advance(hour);
    expect(rig.notifier.posts).toHaveLength(1);
  });

  it('a run missed by more than an hour is skipped with a log line', async () => {
    const rig = createRig(new Date('2026-11-27T08:00:00Z'));
    await rig.add({ always: true });
    await rig.clock.advance(150 * 60_000);
    started(rig);
    await rig.clock.advance(60_000);
    expect(rig.notifier.posts).toHaveLength(0);
    expect(rig.stored()[0]?.lastRun).toMatchObject({ for: '2026-11-27T09:00:00.000Z', outcome: 'skipped', detail: 'missed by 90 min (no leader then)' });
    expect(rig.logged.find((l) => l.level === 'warn')?.message).toBe('schedule s1: run skipped, missed by 90 min (no leader then)');
  });
});

describe('the quiet rule', () => {
  it('edits the last digest instead of posting "all green, nothing changed" again, and posts once something changed', async () => {
    const rig = createRig(new Date('2026-11-27T08:59:00Z')); // a Friday
    await rig.add({});
    started(rig);
    await rig.clock.advance(2 * 60_000);
    expect(rig.notifier.posts).toHaveLength(1);
    await rig.clock.advance(day);
    expect(rig.notifier.posts).toHaveLength(1);
    expect(rig.notifier.posts[0]?.edits).toBe(1);
    expect(textOf(rig.notifier.posts[0]!.reply)).toContain('(still all green at 09:00 Sat)');
    expect(rig.stored()[0]?.lastRun).toMatchObject({ outcome: 'quiet', detail: 'still all green at 09:00 Sat' });
    rig.gateway.seed('chat', 'mattermost', { replicas: 3, version: '9.10.0' });
    await rig.clock.advance(day);
    expect(rig.notifier.posts).toHaveLength(2);
    expect(textOf(rig.notifier.posts[1]!.reply)).toContain('changed: version 9.9.0 -> 9.10.0; replicas 2 -> 3');
  }, 30_000);

  it('posts every run with --always, and whenever the header is not green', async () => {
    const always = createRig(new Date('2026-11-27T08:59:00Z'));
    await always.add({ always: true });
    started(always);
    await always.clock.advance(2 * day);
    expect(always.notifier.posts).toHaveLength(2);

    const degraded = createRig(new Date('2026-11-27T08:59:00Z'));
    degraded.gateway.seed('chat', 'mattermost', { replicas: 2, state: 'reconciling' });
    await degraded.add({});
    started(degraded);
    await degraded.clock.advance(2 * day);
    expect(degraded.notifier.posts).toHaveLength(2);
    expect(degraded.notifier.posts[1]?.reply.blocks[0]).toEqual({ kind: 'heading', text: 'WATCH: 1 watch, 1 green' });
  }, 30_000);
});

describe('the quiet rule and incidents', () => {
  const staging = { namespace: 'staging', name: 'mattermost-staging' };

  it('posts when an incident opened, again when it resolved (all green again), and is quiet only the day after', async () => {
    const rig = createRig(new Date('2026-11-27T08:59:00Z'));
    const state = new FakeStateStore(rig.backend);
    await rig.add({});
    started(rig);
    await rig.clock.advance(2 * 60_000);
    expect(rig.notifier.posts).toHaveLength(1);
    // Opened at 12:00 on Friday, still open at the next run.
    await keepIncident(state, {
      installation: staging,
      rule: 'pods-not-ready',
      severity: 'warning',
      title: '1 pod not ready',
      since: new Date('2026-11-27T12:00:00Z'),
    });
    await rig.clock.advance(day);
    expect(rig.notifier.posts).toHaveLength(2);
    const opened = textOf(rig.notifier.posts[1]!.reply);
    expect(opened.split('\n')[0]).toBe('WATCH: 1 watch, 1 green');
    expect(opened).toContain('open incidents: warning pods-not-ready: 1 pod not ready, open 21 h');
    expect(opened).toContain('changed since last digest: incident opened: 1 pod not ready');
    // Resolved at 13:00 on Saturday: all green again, and that is news.
    await keepIncident(state, {
      installation: staging,
      rule: 'pods-not-ready',
      severity: 'warning',
      title: '1 pod not ready',
      since: new Date('2026-11-27T12:00:00Z'),
      resolvedAt: new Date('2026-11-28T13:00:00Z'),
    });
    await rig.clock.advance(day);
    expect(rig.notifier.posts).toHaveLength(3);
    const resolved = textOf(rig.notifier.posts[2]!.reply);
    expect(resolved.split('\n')[0]).toBe('GREEN: all 2 stable');
    expect(resolved).toContain('staging/mattermost-staging: stable, 9.9.0, 1/1 ready; changed: incident resolved: 1 pod not ready, after 1 d 1 h');
    await rig.clock.advance(day);
    expect(rig.notifier.posts).toHaveLength(3);
    expect(rig.stored()[0]?.lastRun).toMatchObject({ outcome: 'quiet' });
  }, 30_000);

  it('posts when an incident opened and resolved between two green runs, while the state keeps it', async () => {
    const rig = createRig(new Date('2026-11-27T08:59:00Z'));
    await rig.add({});
    started(rig);
    await rig.clock.advance(2 * 60_000);
    await rig.clock.advance(day - 20 * 60_000); // 08:41 Saturday
    await keepIncident(new FakeStateStore(rig.backend), {
      installation: staging,
      since: new Date('2026-11-28T08:30:00Z'),
      resolvedAt: new Date('2026-11-28T08:40:00Z'),
    });
    await rig.clock.advance(20 * 60_000);
    expect(rig.notifier.posts).toHaveLength(2);
    expect(textOf(rig.notifier.posts[1]!.reply)).toContain('changed: incident resolved: container mattermost is crash-looping (2 pods), after 10 min');
  }, 30_000);
});

describe('schedule test', () => {
  it('posts the digest within a poll, once, marked as a test', async () => {
    const rig = createRig(new Date('2026-11-27T10:00:00Z'), 15_000);
    await rig.add({ testAsked: '2026-11-27T10:00:00.000Z' });
    started(rig, 'a');
    started(rig, 'b');
    await rig.clock.advance(15_000);
    expect(rig.notifier.posts).toHaveLength(1);
    expect(textOf(rig.notifier.posts[0]!.reply)).toContain('(test)');
    await rig.clock.advance(60_000);
    expect(rig.notifier.posts).toHaveLength(1);
  });
});

describe("the owner's rights", () => {
  it('a digest shows what the owner may status through a group, as the schedule was added', async () => {
    const policy = PolicySchema.parse({
      roles: { reader: { verbs: ['status'] } },
      bindings: [{ role: 'reader', subjects: [{ group: 'sre' }], scope: { namespaces: ['chat'] } }],
    });
    const rig = createRig(new Date('2026-11-27T10:00:00Z'), 15_000, policy);
    await rig.add({ testAsked: '2026-11-27T10:00:00.000Z', owner: { id: 'mm-alice', name: '@alice', via: 'mattermost', groups: ['sre'] } });
    started(rig);
    await rig.clock.advance(15_000);
    const posted = textOf(rig.notifier.posts[0]!.reply);
    expect(posted).toContain('chat/mattermost');
    expect(posted).not.toContain('staging/mattermost-staging');
  });
});

describe('restore drills', () => {
  const drill = { kind: 'drill' as const, scope: { namespace: 'chat', name: 'mattermost' } };
  const verified = reply(
    'good',
    heading('backup chat/mattermost: done, drill 20261127-083000-a1b2: 1.2 MB, sha256 abab…, 4.2 s, s3://b/x, verified and dropped'),
  );
  /** Whether `p` settles while only promise callbacks and setImmediate run (no clock time passes). */
  const settlesAtOnce = async (p: Promise<unknown>): Promise<boolean> => {
    let settled = false;
    void p.then(() => (settled = true));
    for (let i = 0; i < 20 && !settled; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    return settled;
  };

  it('a drill runs beside the digests: a long one delays no digest, and stopping (leadership lost) does not wait for it', async () => {
    const rig = createRig(new Date('2026-11-27T08:59:00Z'));
    await rig.add(drill); // s1, first in every pass
    await rig.add({ always: true }); // s2, the same minute
    let endDrill: (r: Reply | undefined) => void = () => undefined;
    rig.answer = () => new Promise((resolve) => (endDrill = resolve));
    const stop = started(rig);
    await rig.clock.advance(2 * 60_000);
    expect(rig.commands.map((c) => [c.command, c.caller.name])).toEqual([
      ['backup mattermost -n chat --cluster sandbox-bot --drill --yes --note "schedule s1"', 'alice'],
    ]);
    expect(rig.notifier.posts.map((p) => textOf(p.reply).split('\n')[0])).toEqual([
      'Schedule s1: restore drill of chat/mattermost as alice: running, progress in the thread.',
      'GREEN: all 2 stable',
    ]);
    expect(rig.commands[0]?.root.key).toBeDefined();
    expect(rig.stored().map((s) => s.lastRun?.outcome)).toEqual(['claimed', 'posted']);
    expect(await settlesAtOnce(stop())).toBe(true);
    // The drill runs on to its end; its root post and record then say how it ended.
    endDrill(verified);
    await rig.clock.advance(1_000);
    expect(textOf(rig.notifier.posts[0]!.reply)).toBe('Schedule s1: restore drill of chat/mattermost as alice: done, backup 20261127-083000-a1b2 verified.');
    expect(rig.notifier.posts[0]?.reply.tone).toBe('good');
    expect(rig.stored()[0]?.lastRun).toMatchObject({ for: '2026-11-27T09:00:00.000Z', outcome: 'done', detail: 'backup 20261127-083000-a1b2 verified' });
  });

  it('a failed drill edits its root to the reason and is kept as failed; a running one is not started again by the next passes', async () => {
    const rig = createRig(new Date('2026-11-27T08:59:00Z'), 15_000);
    await rig.add(drill);
    let endDrill: (r: Reply | undefined) => void = () => undefined;
    rig.answer = () => new Promise((resolve) => (endDrill = resolve));
    started(rig);
    await rig.clock.advance(10 * 60_000); // forty polls while it runs
    expect(rig.commands).toHaveLength(1);
    endDrill({
      ...reply('danger', heading('backup chat/mattermost: failed'), text('drill failed at verify: posts has 2 rows, the backup 3')),
      error: 'unavailable',
    });
    await rig.clock.advance(15_000);
    expect(textOf(rig.notifier.posts[0]!.reply)).toBe(
      'Schedule s1: restore drill of chat/mattermost as alice: failed: drill failed at verify: posts has 2 rows, the backup 3.',
    );
    expect(rig.notifier.posts[0]?.reply.tone).toBe('danger');
    expect(rig.stored()[0]?.lastRun).toMatchObject({ outcome: 'failed', detail: 'drill failed at verify: posts has 2 rows, the backup 3' });
    expect(rig.commands).toHaveLength(1);
  });

  it('schedule test runs the drill once, as its owner, marked as a test', async () => {
    const rig = createRig(new Date('2026-11-27T10:00:00Z'), 15_000);
    await rig.add({ ...drill, testAsked: '2026-11-27T10:00:00.000Z', owner: { id: 'mm-alice', name: '@alice', via: 'mattermost', groups: ['sre'] } });
    rig.users.set('mm-alice', { id: 'mm-alice', name: '@alice', via: 'mattermost', groups: ['sre'] });
    rig.answer = () => Promise.resolve(verified);
    started(rig, 'a');
    started(rig, 'b');
    await rig.clock.advance(60_000);
    expect(rig.commands.map((c) => c.caller)).toEqual([{ id: 'mm-alice', name: '@alice', via: 'mattermost', groups: ['sre'], team: 'chat', channel: 'ops' }]);
    expect(rig.notifier.posts.map((p) => textOf(p.reply))).toEqual([
      'Schedule s1: restore drill of chat/mattermost as @alice: done, backup 20261127-083000-a1b2 verified. (test)',
    ]);
    expect(rig.stored()[0]?.lastTest).toMatchObject({ outcome: 'done' });
  });

  describe('a Mattermost owner is named afresh at every run', () => {
    // `backup` through the group sre; the owner added the schedule in ~town-square, for ~ops.
    const policy = PolicySchema.parse({
      roles: { drills: { verbs: ['backup'] } },
      bindings: [{ role: 'drills', subjects: [{ group: 'sre' }], scope: { namespaces: ['chat'] } }],
    });
    const alice = { id: 'mm-alice', name: '@alice', via: 'mattermost' as const };
    const owner = { ...alice, team: 'chat', channel: 'town-square', groups: ['sre'] };
    /** The pipeline's policy check, on fakes: the drill is verified when the caller may back chat/mattermost up. */
    const answerByPolicy = (rig: Rig): void => {
      rig.answer = (_command, caller) =>
        Promise.resolve(
          createAccess(policy, caller, 'sandbox-bot').decide('backup', 'chat', 'mattermost').allowed
            ? verified
            : { ...reply('danger', text(`${caller.name} may not backup chat/mattermost`)), error: 'forbidden' },
        );
    };

    it('an owner removed from the group that grants backup is refused at the next run', async () => {
      const rig = createRig(new Date('2026-11-27T08:59:00Z'), undefined, policy);
      await rig.add({ ...drill, owner });
      rig.users.set(alice.id, { ...alice, groups: ['sre'] });
      answerByPolicy(rig);
      started(rig);
      await rig.clock.advance(2 * 60_000);
      expect(rig.stored()[0]?.lastRun).toMatchObject({ outcome: 'done' });
      rig.users.set(alice.id, { ...alice, groups: [] }); // left sre after adding the schedule
      await rig.clock.advance(day);
      expect(rig.commands.map((c) => c.caller)).toEqual([
        { ...alice, groups: ['sre'], team: 'chat', channel: 'ops' },
        { ...alice, groups: [], team: 'chat', channel: 'ops' },
      ]);
      expect(rig.stored()[0]?.lastRun).toMatchObject({ for: '2026-11-28T09:00:00.000Z', outcome: 'failed', detail: '@alice may not backup chat/mattermost' });
      expect(textOf(rig.notifier.posts[1]!.reply)).toBe(
        'Schedule s1: restore drill of chat/mattermost as @alice: failed: @alice may not backup chat/mattermost.',
      );
    });

    it('a deactivated owner runs nothing: the run fails and its root says what to do', async () => {
      const rig = createRig(new Date('2026-11-27T08:59:00Z'), 15_000, policy);
      await rig.add({ ...drill, owner }); // rig.users has no alice: deactivated (or unknown)
      answerByPolicy(rig);
      started(rig);
      await rig.clock.advance(2 * 60_000);
      expect(rig.commands).toEqual([]);
      const why =
        '@alice is no longer an active Mattermost user; the schedule owner must be re-added: schedule remove s1, then schedule add ... by someone with backup';
      expect(rig.stored()[0]?.lastRun).toMatchObject({ outcome: 'failed', detail: why });
      expect(rig.notifier.posts.map((p) => [p.reply.tone, textOf(p.reply)])).toEqual([
        ['danger', `Schedule s1: restore drill of chat/mattermost as @alice: refused: ${why}.`],
      ]);
    });

    it('a terminal owner runs as stored (the OS user has no membership to look up)', async () => {
      const rig = createRig(new Date('2026-11-27T08:59:00Z'), 15_000);
      await rig.add(drill);
      rig.answer = () => Promise.resolve(verified);
      started(rig);
      await rig.clock.advance(2 * 60_000);
      expect(rig.commands.map((c) => c.caller)).toEqual([{ id: 'terminal:alice', name: 'alice', via: 'terminal' }]);
    });
  });
});
