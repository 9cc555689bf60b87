/** `schedule add | list | remove | test` through the pipeline, on the fake state store (issue 13). */
import { describe, expect, it } from 'vitest';
import { schedulesDocument } from '../../../src/core/schedule/schedules-document.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { chatUser, createHarness } from '../../support/core-harness.ts';

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
    ['"0 9 * * *" digest', 'schedule add posts status digests: after the cron expression comes status, got "digest"'],
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
    expect(without.text).toContain('say where the digest goes: --channel <name>');
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
