/** `schedule add | list | remove | test` through the pipeline, on the fake state store (issue 13). */
import { describe, expect, it } from 'vitest';
import { schedulesDocument } from '../../../src/core/schedule/schedules-document.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { chatUser, createHarness } from '../../support/core-harness.ts';
import { SchedulesSchema } from '../../../src/core/model/schedule.ts';
import type { BackupSettings } from '../../../src/core/model/backup-settings.ts';
import { FakeBackupStore } from '../../fakes/fake-backup-store.ts';

/** alice may schedule (and change) in `chat` only, bob only reads, as in the sandbox policy. */
const policy = PolicySchema.parse({
  roles: { operator: { verbs: ['scale', 'schedule'] }, reader: { verbs: ['list', 'status'] } },
  bindings: [
    { role: 'reader', subjects: [{ user: 'alice' }, { user: 'bob' }] },
    { role: 'operator', subjects: [{ user: 'alice' }], scope: { namespaces: ['chat'] } },
    { role: 'operator', subjects: [{ terminal: '*' }] },
    { role: 'reader', subjects: [{ terminal: '*' }] },
  ],
});
const inOps = { channelId: 'ch-ops' };

function harness() {
  const h = createHarness({ policy });
  h.gateway.seed('chat', 'mattermost', { replicas: 2 });
  h.gateway.seed('staging', 'mattermost-staging', { replicas: 1 });
  return h;
}

describe('whose schedules', () => {
  it('lists, removes and tests only the schedules the caller owns or holds the schedule right over', async () => {
    const h = harness();
    // Any terminal user may schedule everywhere; alice only in chat.
    await h.run('schedule add "0 9 * * *" status all --channel ops', { id: 'terminal:root', name: 'root', via: 'terminal' });
    await h.run('schedule add "0 9 * * *" status mattermost-staging -n staging --channel ops', { id: 'terminal:root', name: 'root', via: 'terminal' });
    await h.run('schedule add "0 10 * * *" status mattermost', chatUser('alice'), inOps);
    const listed = await h.run('schedule list', chatUser('alice'), inOps);
    expect(listed.text).toContain('s3');
    expect(listed.text).not.toMatch(/\bs1\b|\bs2\b/);
    expect((await h.run('schedule remove s2', chatUser('alice'), inOps)).text).toContain('no schedule "s2"');
    expect((await h.run('schedule test s1', chatUser('alice'), inOps)).text).toContain('no schedule "s1"');
    expect(h.state.peek(schedulesDocument)?.schedules.map((s) => [s.id, s.testAsked])).toEqual([
      ['s1', undefined],
      ['s2', undefined],
      ['s3', undefined],
    ]);
    // The terminal user holds the right everywhere: all three are theirs to manage.
    expect((await h.run('schedule list', { id: 'terminal:root', name: 'root', via: 'terminal' })).text).toMatch(/s1[\s\S]*s2[\s\S]*s3/);
  });
});

describe('schedule add', () => {
  it("keeps the creator's Mattermost groups, so a run sees what a group binding lets them status", async () => {
    const h = harness();
    await h.run('schedule add "0 9 * * *" status all', { ...chatUser('alice'), groups: ['sre'] }, inOps);
    expect(h.state.peek(schedulesDocument)?.schedules[0]?.owner.groups).toEqual(['sre']);
  });

  it('keeps a schedule for the channel it was typed in, audited on the state ConfigMap', async () => {
    const h = harness();
    const { text, reply } = await h.run('schedule add "0 9 * * 1-5" status all --tz Europe/Berlin', chatUser('alice'), inOps);
    expect(reply.error).toBeUndefined();
    // 2026-11-27 is a Friday, 09:00 UTC: the next weekday 09:00 in Berlin is Monday 08:00 UTC.
    expect(text).toBe(
      'Schedule s1 added: a status digest of every installation at "0 9 * * 1-5" (Europe/Berlin) in ~ops.\n\n' +
        'Next run: 2026-11-30 09:00 Europe/Berlin (2026-11-30 08:00 UTC). Quiet when all is green and nothing changed (add --always to post anyway).',
    );
    const stored = h.state.peek(schedulesDocument);
    expect(stored?.schedules).toEqual([
      expect.objectContaining({
        id: 's1',
        cron: '0 9 * * 1-5',
        timeZone: 'Europe/Berlin',
        scope: { all: true },
        always: false,
        cluster: 'sandbox-bot',
        channel: { id: 'ch-ops', name: 'ops' },
        owner: { id: 'mm-alice', name: '@alice', via: 'mattermost', team: 'ops', channel: 'ops' },
      }),
    ]);
    expect(h.audit.entries).toEqual([
      expect.objectContaining({
        phase: 'succeeded',
        verb: 'schedule',
        requester: '@alice',
        via: 'mattermost ~ops',
        namespace: 'matterops',
        installation: 'matterops-schedules',
        objectKind: 'ConfigMap',
        detail: 'schedule add s1 "0 9 * * 1-5" Europe/Berlin status all in ~ops',
      }),
    ]);
    expect(h.logged.find((l) => l.fields.audit === true)?.fields).toMatchObject({ phase: 'succeeded', verb: 'schedule', requester: '@alice' });
  });

  it('gives each schedule the next id, one installation resolved by name', async () => {
    const h = harness();
    await h.run('schedule add "0 9 * * *" status all', chatUser('alice'), inOps);
    const { text } = await h.run('schedule add "30 17 * * 5" status mattermost --always', chatUser('alice'), inOps);
    expect(text).toContain('Schedule s2 added: a status digest of chat/mattermost at "30 17 * * 5" (UTC) in ~ops.');
    expect(h.state.peek(schedulesDocument)?.schedules.map((s) => [s.id, s.scope, s.always])).toEqual([
      ['s1', { all: true }, false],
      ['s2', { namespace: 'chat', name: 'mattermost' }, true],
    ]);
  });

  it.each([
    ['"0 9 * *" status', '"0 9 * *" has 4 fields; try "0 9 * * 1-5" for 09:00 on weekdays'],
    ['"0 9 * * * *" status', '"0 9 * * * *" has 6 fields; try "0 9 * * 1-5" for 09:00 on weekdays'],
    ['"0 25 * * *" status', '"0 25 * * *" is not a cron expression: Invalid value for hour: 25; try "0 9 * * 1-5" for 09:00 on weekdays'],
    ['"0 9 30 2 *" status', '"0 9 30 2 *" never fires (no such date); try "0 9 * * 1-5" for 09:00 on weekdays'],
    ['"*/5 * * * *" status', '"*/5 * * * *" fires 5 minutes apart (at 09:05 and 09:10); schedules fire at most every 15 minutes'],
    // The first gap is 50 minutes; the second, 09:50 to 10:00, is too short.
    ['"0,50 9,10 * * *" status', '"0,50 9,10 * * *" fires 10 minutes apart (at 09:50 and 10:00); schedules fire at most every 15 minutes'],
    ['0 9 * * 1-5 status', 'put the cron expression in quotes: schedule add "0 9 * * 1-5" status all'],
    ['"0 9 * * *" digest', 'schedule add runs status digests or restore drills: after the cron expression comes status or drill, got "digest"'],
  ])('refuses %s with what to type instead', async (words, message) => {
    const h = harness();
    const { text, reply } = await h.run(`schedule add ${words}`, chatUser('alice'), inOps);
    expect(reply.error).toBe('usage');
    expect(text.split('\n')[0]).toBe(message);
    expect(h.state.peek(schedulesDocument)).toBeUndefined();
  });

  it('accepts every 15 minutes', async () => {
    const { reply } = await harness().run('schedule add "*/15 * * * *" status all', chatUser('alice'), inOps);
    expect(reply.error).toBeUndefined();
  });

  it('refuses an unknown time zone, suggesting the closest', async () => {
    const { text, reply } = await harness().run('schedule add "0 9 * * *" status all --tz Europe/Berln', chatUser('alice'), inOps);
    expect(reply.error).toBe('usage');
    expect(text).toContain('unknown time zone "Europe/Berln"');
    expect(text).toContain('did you mean Europe/Berlin?');
  });

  it('needs --channel from the terminal, and keeps the channel by name', async () => {
    const h = harness();
    const without = await h.run('schedule add "0 9 * * *" status all');
    expect(without.reply.error).toBe('usage');
    expect(without.text).toContain('say where the schedule posts: --channel <name>');
    const named = await h.run('schedule add "0 9 * * *" status all --channel ~ops');
    expect(named.reply.error).toBeUndefined();
    expect(h.state.peek(schedulesDocument)?.schedules[0]?.channel).toEqual({ name: 'ops' });
  });

  it('from chat, --channel names only a channel the caller is a member of, kept by its id; another is refused with what to type', async () => {
    const h = harness();
    const asked: string[] = [];
    // What the Mattermost adapter answers: alice is in ~ops and ~sre, not in ~finance (or it does not exist: the same answer).
    const memberChannel = (name: string) => {
      asked.push(name);
      return Promise.resolve(['ops', 'sre'].includes(name) ? { id: `ch-${name}`, name } : undefined);
    };
    const refused = await h.run('schedule add "0 9 * * *" status mattermost --channel finance', chatUser('alice'), { ...inOps, memberChannel });
    expect(refused.reply.error).toBe('forbidden');
    expect(refused.text).toContain('you are not a member of a channel ~finance the bot is in, so a schedule may not post there');
    expect(refused.text).toContain('type the schedule add without --channel in the channel it should post in');
    expect(h.state.peek(schedulesDocument)).toBeUndefined();
    const mine = await h.run('schedule add "0 9 * * *" status mattermost --channel ~sre', chatUser('alice'), { ...inOps, memberChannel });
    expect(mine.reply.error).toBeUndefined();
    expect(h.state.peek(schedulesDocument)?.schedules[0]?.channel).toEqual({ id: 'ch-sre', name: 'sre' });
    expect(asked).toEqual(['finance', 'sre']);
  });

  it('from chat without a membership lookup, --channel is refused (deny by default); the terminal still names any channel', async () => {
    const h = harness();
    const chat = await h.run('schedule add "0 9 * * *" status mattermost --channel ops', chatUser('alice'), inOps);
    expect(chat.reply.error).toBe('forbidden');
    const terminal = await h.run('schedule add "0 9 * * *" status all --channel finance');
    expect(terminal.reply.error).toBeUndefined();
    expect(h.state.peek(schedulesDocument)?.schedules[0]?.channel).toEqual({ name: 'finance' });
  });

  it("refuses a schedule of an installation outside the caller's schedule right, and one without the right at all", async () => {
    const h = harness();
    const outside = await h.run('schedule add "0 9 * * *" status mattermost-staging', chatUser('alice'), inOps);
    expect(outside.reply.error).toBe('forbidden');
    const bob = await h.run('schedule add "0 9 * * *" status all', chatUser('bob'), inOps);
    expect(bob.reply.error).toBe('forbidden');
    expect(bob.text).toContain('@bob may not use schedule');
    expect(h.state.peek(schedulesDocument)).toBeUndefined();
  });
});

describe('schedule list, remove, test', () => {
  it('lists id, cron, zone, scope, channel, the next run in its zone and UTC, and the last run', async () => {
    const h = harness();
    // 09:00 UTC on Friday is 04:00 in New York: its 09:00 is still to come that day.
    await h.run('schedule add "0 9 * * 1-5" status all --tz America/New_York', chatUser('alice'), inOps);
    const { text } = await h.run('schedule list', chatUser('alice'), inOps);
    expect(text).toContain('s1');
    expect(text).toContain('2026-11-27 09:00 America/New_York');
    expect(text).toContain('2026-11-27 14:00 UTC');
    expect(text).toContain('not yet');
  });

  it('removes by id, audited, and names the ids there are for an unknown one', async () => {
    const h = harness();
    await h.run('schedule add "0 9 * * *" status all', chatUser('alice'), inOps);
    const miss = await h.run('schedule remove s9', chatUser('alice'), inOps);
    expect(miss.reply.error).toBe('not_found');
    expect(miss.text).toContain('schedules: s1');
    const { text } = await h.run('schedule remove s1', chatUser('alice'), inOps);
    expect(text).toBe('Schedule s1 removed (it posted a status digest of every installation at "0 9 * * *" UTC in ~ops).');
    expect(h.state.peek(schedulesDocument)?.schedules).toEqual([]);
    expect(h.audit.entries.map((e) => e.detail)).toEqual([
      'schedule add s1 "0 9 * * *" UTC status all in ~ops',
      'schedule remove s1 "0 9 * * *" UTC status all in ~ops',
    ]);
  });

  it('test asks the leader for a post now, kept in the schedule', async () => {
    const h = harness();
    await h.run('schedule add "0 9 * * *" status all', chatUser('alice'), inOps);
    const { text } = await h.run('schedule test s1', chatUser('alice'), inOps);
    expect(text).toContain('the leading matterops serve posts its digest in ~ops within seconds');
    expect(h.state.peek(schedulesDocument)?.schedules[0]?.testAsked).toBe(h.clock.now().toISOString());
  });

  it('refuses flags of add on the other actions', async () => {
    const { text, reply } = await harness().run('schedule list --tz UTC', chatUser('alice'), inOps);
    expect(reply.error).toBe('usage');
    expect(text).toContain('--tz, --always and --channel go with schedule add');
  });
});

describe('drill schedules', () => {
  /** alice may schedule and back up in chat; bob may schedule there but not back up; carol may schedule everywhere. */
  const drillPolicy = PolicySchema.parse({
    roles: { backer: { verbs: ['schedule', 'backup'] }, scheduler: { verbs: ['schedule'] }, reader: { verbs: ['list', 'status'] } },
    bindings: [
      { role: 'reader', subjects: [{ user: 'alice' }, { user: 'bob' }, { user: 'carol' }] },
      { role: 'backer', subjects: [{ user: 'alice' }], scope: { namespaces: ['chat'] } },
      { role: 'scheduler', subjects: [{ user: 'bob' }], scope: { namespaces: ['chat'] } },
      { role: 'scheduler', subjects: [{ user: 'carol' }] },
    ],
  });
  const settings: BackupSettings = {
    store: { endpoint: 'http://127.0.0.1:8333', bucket: 'matterops-backups', region: 'us-east-1', prefix: '' },
    storeSecret: 'matterops-backup-store',
    adminSecret: 'matterops-db-admin',
    runnerImage: 'matterops:0.1.0',
    serviceAccount: 'matterops-runner',
    retention: {},
    jobTtlSeconds: 3600,
  };
  function drills(backups = true) {
    const h = createHarness({ policy: drillPolicy, ...(backups ? { backups: { settings, store: new FakeBackupStore() } } : {}) });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    h.gateway.seed('staging', 'mattermost-staging', { replicas: 1 });
    return h;
  }

  it('keeps a drill of one installation for its channel, owned by its creator, audited', async () => {
    const h = drills();
    const { text, reply } = await h.run('schedule add "0 3 * * 0" drill mattermost', chatUser('alice'), inOps);
    expect(reply.error).toBeUndefined();
    expect(text).toBe(
      'Schedule s1 added: a restore drill of chat/mattermost at "0 3 * * 0" (UTC) in ~ops.\n\n' +
        'Next run: 2026-11-29 03:00 UTC (2026-11-29 03:00 UTC). Each run is backup --drill as @alice, with its progress in a thread there; it needs the backup right on chat/mattermost at every run.',
    );
    expect(h.state.peek(schedulesDocument)?.schedules).toEqual([
      expect.objectContaining({
        id: 's1',
        kind: 'drill',
        scope: { namespace: 'chat', name: 'mattermost' },
        always: false,
        channel: { id: 'ch-ops', name: 'ops' },
      }),
    ]);
    expect(h.audit.entries.map((e) => e.detail)).toEqual(['schedule add s1 "0 3 * * 0" UTC drill chat/mattermost in ~ops']);
    expect((await h.run('schedule list', chatUser('alice'), inOps)).text).toContain('a restore drill of chat/mattermost');
  });

  it.each([
    ['drill all', 'usage', 'a drill schedule drills one installation: name it after drill, not all (add one drill schedule per installation)'],
    ['drill', 'usage', 'a drill schedule drills one installation: name it after drill'],
    ['drill mattermost mattermost-staging', 'usage', 'schedule add takes one installation name, got also "mattermost-staging"'],
    ['drill mattermost --always', 'usage', '--always is an option of status digests (a drill posts at every run): type the schedule add without it'],
  ])('refuses %s with what to type instead', async (words, code, message) => {
    const h = drills();
    const { text, reply } = await h.run(`schedule add "0 3 * * 0" ${words}`, chatUser('alice'), inOps);
    expect(reply.error).toBe(code);
    expect(text.split('\n')[0]).toBe(message);
    expect(h.state.peek(schedulesDocument)).toBeUndefined();
  });

  it('refuses a drill where backups are not set up', async () => {
    const h = drills(false);
    const { text, reply } = await h.run('schedule add "0 3 * * 0" drill mattermost', chatUser('alice'), inOps);
    expect(reply.error).toBe('invalid');
    expect(text).toContain('a drill schedule needs backups: backups are not set up here');
    expect(text).toContain('or schedule a status digest');
    expect(h.state.peek(schedulesDocument)).toBeUndefined();
  });

  it('refuses a drill to a creator without the backup right on it, who may still schedule its digest', async () => {
    const h = drills();
    const { text, reply } = await h.run('schedule add "0 3 * * 0" drill mattermost', chatUser('bob'), inOps);
    expect(reply.error).toBe('forbidden');
    expect(text).toContain('a drill schedule runs backup --drill as its creator, and @bob may not backup chat/mattermost');
    expect(text).toContain('ask an admin for the backup right on it');
    expect(h.state.peek(schedulesDocument)).toBeUndefined();
    expect((await h.run('schedule add "0 3 * * 0" status mattermost', chatUser('bob'), inOps)).reply.error).toBeUndefined();
    // alice's backup right is on chat only.
    const outside = await h.run('schedule add "0 3 * * 0" drill mattermost-staging -n staging', chatUser('alice'), inOps);
    expect(outside.reply.error).toBe('forbidden');
  });

  it("schedule test of a drill needs the backup right too: carol manages alice's schedule but may not run its drill", async () => {
    const h = drills();
    await h.run('schedule add "0 3 * * 0" drill mattermost', chatUser('alice'), inOps);
    const carol = await h.run('schedule test s1', chatUser('carol'), inOps);
    expect(carol.reply.error).toBe('forbidden');
    expect(carol.text).toContain('@carol may not backup chat/mattermost');
    expect(h.state.peek(schedulesDocument)?.schedules[0]?.testAsked).toBeUndefined();
    const alice = await h.run('schedule test s1', chatUser('alice'), inOps);
    expect(alice.text).toContain(
      'the leading matterops serve runs a restore drill of chat/mattermost as @alice, with its progress in a thread in ~ops within seconds',
    );
    expect(h.state.peek(schedulesDocument)?.schedules[0]?.testAsked).toBe(h.clock.now().toISOString());
  });

  it('from the terminal, a drill names its channel, and its test prints what the leader will do', async () => {
    const h = drills();
    const root = { id: 'terminal:root', name: 'root', via: 'terminal' as const };
    const terminalPolicy = PolicySchema.parse({ roles: { admin: { verbs: ['*'] } }, bindings: [{ role: 'admin', subjects: [{ terminal: '*' }] }] });
    const t = createHarness({ policy: terminalPolicy, backups: { settings, store: new FakeBackupStore() }, state: h.state });
    t.gateway.seed('chat', 'mattermost', { replicas: 2 });
    expect((await t.run('schedule add "0 3 * * 0" drill mattermost --channel ops', root)).reply.error).toBeUndefined();
    const { text } = await t.run('schedule test s1', root);
    expect(text).toContain('the leading matterops serve runs a restore drill of chat/mattermost as root, with its progress in a thread in ~ops within seconds');
  });

  it('a schedule kept before drills existed (no kind) is a status digest', () => {
    const kept = {
      nextId: 2,
      schedules: [
        {
          id: 's1',
          cron: '0 9 * * *',
          timeZone: 'UTC',
          scope: { all: true },
          always: false,
          cluster: 'sandbox-bot',
          channel: { id: 'ch-ops' },
          owner: { id: 'mm-alice', name: '@alice', via: 'mattermost' },
          createdAt: '2026-11-01T00:00:00.000Z',
        },
      ],
    };
    expect(SchedulesSchema.parse(kept).schedules[0]?.kind).toBe('status');
  });
});
