/**
 * `schedule add | list | remove | test` (issue 13): schedules that post a status digest in a
 * channel, or run a restore drill of one installation there (issue 11, docs/backups.md). A schedule is the bot's own state (the document `schedules/all`, docs/digests.md): its
 * changes need the policy right `schedule` (on the installation, for a schedule of one), are
 * audited on the ConfigMap that keeps them, and touch no installation, so they need no dry run
 * and no lock. Only the leading `serve` replica runs them (src/leader/digest-scheduler.ts).
 */
import { z } from 'zod';
import { notFound } from '../errors.ts';
import { PlaceFlagsSchema } from '../grammar/common-schemas.ts';
import { channelText, postsText, scopeText, type Schedule } from '../model/schedule.ts';
import { checkDrill } from '../schedule/check-drill.ts';
import { schedulesDocument } from '../schedule/schedules-document.ts';
import { reply, text, type Reply } from '../reply.ts';
import { addSchedule } from '../schedule/add-schedule.ts';
import { auditSchedule } from '../schedule/audit-schedule.ts';
import { zonedText } from '../schedule/check-schedule.ts';
import { nextRunText, schedulesReply } from '../schedule/schedules-reply.ts';
import { quoted } from '../text/excerpt.ts';
import type { VerbContext } from '../verb-context.ts';
import { defineVerb } from '../verb.ts';

export const ScheduleOpSchema = PlaceFlagsSchema.extend({
  verb: z.literal('schedule'),
  action: z.enum(['add', 'list', 'remove', 'test'], { error: (i) => `schedule needs add, list, remove or test, got ${quoted(i.input)}` }),
  args: z.array(z.string()).default([]),
  tz: z.string().max(64, { error: 'a time zone is an IANA name like Europe/Berlin' }).optional(),
  always: z.boolean().optional(),
  channel: z.string().max(64, { error: 'a channel name has at most 64 characters' }).optional(),
}).superRefine((op, ctx) => {
  const takesId = op.action === 'remove' || op.action === 'test';
  if (takesId && op.args.length !== 1)
    ctx.addIssue({ code: 'custom', message: `schedule ${op.action} takes one schedule id (see schedule list), e.g. schedule ${op.action} s1` });
  if (op.action === 'list' && op.args.length) ctx.addIssue({ code: 'custom', message: `schedule list takes nothing more, got ${quoted(op.args.join(' '))}` });
  if (op.action !== 'add' && (op.tz !== undefined || op.always || op.channel !== undefined))
    ctx.addIssue({ code: 'custom', message: `--tz, --always and --channel go with schedule add, not schedule ${op.action}` });
});
export type ScheduleOperation = z.infer<typeof ScheduleOpSchema>;

/** "a status digest of every installation", "a restore drill of chat/mattermost", as a sentence names what a schedule does. */
const coverage = (s: Schedule): string =>
  s.kind === 'drill' ? postsText(s) : `a status digest of ${'all' in s.scope ? 'every installation' : scopeText(s.scope)}`;

const describe = (s: Schedule): string =>
  `${s.id} "${s.cron}" ${s.timeZone} ${s.kind} ${scopeText(s.scope)}${s.always ? ' --always' : ''} in ${channelText(s.channel)}`;

async function added(ctx: VerbContext, op: ScheduleOperation): Promise<Reply> {
  const s = await addSchedule(ctx, { args: op.args, tz: op.tz, always: op.always ?? false, channel: op.channel });
  await auditSchedule(ctx.schedules, ctx.clock, ctx.caller, { operationId: `${s.id}-add`, phase: 'succeeded', detail: `schedule add ${describe(s)}` });
  const next = nextRunText(s, ctx.schedules.calendar, ctx.clock.now());
  const after =
    s.kind === 'drill'
      ? ` Each run is backup --drill as ${s.owner.name}, with its progress in a thread there; it needs the backup right on ${scopeText(s.scope)} at every run.`
      : s.always
        ? ''
        : ' Quiet when all is green and nothing changed (add --always to post anyway).';
  return reply(
    'good',
    text(`Schedule ${s.id} added: ${coverage(s)} at "${s.cron}" (${s.timeZone}) in ${channelText(s.channel, 'this channel')}.`),
    text(`Next run: ${next.zoned} (${next.utc}).${after}`),
  );
}

/**
 * Whether the caller may see, remove or test a schedule: its owner, or someone with the schedule
 * right on all it covers (every namespace of its cluster for `all`). Anyone else with the right
 * somewhere does not learn of it, nor move it to post where they like.
 */
function mayManage(ctx: VerbContext, s: Schedule): boolean {
  if (s.owner.id === ctx.caller.id) return true;
  if (s.cluster !== ctx.scope.cluster) return false;
  const decision = 'all' in s.scope ? ctx.access.decide('schedule', '*') : ctx.access.decide('schedule', s.scope.namespace, s.scope.name);
  return decision.allowed;
}

async function manageable(ctx: VerbContext): Promise<Schedule[]> {
  return (await ctx.schedules.store.read(schedulesDocument)).value.schedules.filter((s) => mayManage(ctx, s));
}

/** The schedule with this id, or a miss that lists the ids there are (of those the caller may manage). */
async function findSchedule(ctx: VerbContext, id: string): Promise<Schedule> {
  const mine = await manageable(ctx);
  const found = mine.find((s) => s.id === id);
  if (found) return found;
  const ids = mine.map((s) => s.id);
  throw notFound(`no schedule ${quoted(id)}`, ids.length ? `schedules: ${ids.join(', ')}` : 'there are none; add one with schedule add');
}

async function removed(ctx: VerbContext, id: string): Promise<Reply> {
  const s = await findSchedule(ctx, id);
  await ctx.schedules.store.update(schedulesDocument, (current) => ({ ...current, schedules: current.schedules.filter((x) => x.id !== id) }));
  await auditSchedule(ctx.schedules, ctx.clock, ctx.caller, { operationId: `${s.id}-remove`, phase: 'succeeded', detail: `schedule remove ${describe(s)}` });
  return reply(
    'good',
    text(`Schedule ${s.id} removed (it ${s.kind === 'drill' ? 'ran' : 'posted'} ${coverage(s)} at "${s.cron}" ${s.timeZone} in ${channelText(s.channel)}).`),
  );
}

/** Asks the leader for a post now: it claims the test run as it claims any, so it is posted once. */
async function tested(ctx: VerbContext, id: string): Promise<Reply> {
  const found = await findSchedule(ctx, id);
  // A drill's test is a drill: whoever asks for it needs the backup right on it as well.
  if (found.kind === 'drill') checkDrill(ctx, found.scope);
  const now = ctx.clock.now();
  const s = (
    await ctx.schedules.store.update(schedulesDocument, (current) => ({
      ...current,
      schedules: current.schedules.map((x) => (x.id === id ? { ...x, testAsked: now.toISOString() } : x)),
    }))
  ).schedules.find((x) => x.id === id);
  if (!s) throw notFound(`schedule ${quoted(id)} was removed meanwhile`);
  await auditSchedule(ctx.schedules, ctx.clock, ctx.caller, { operationId: `${s.id}-test`, phase: 'requested', detail: `schedule test ${describe(s)}` });
  const what = s.kind === 'drill' ? `runs ${coverage(s)} as ${s.owner.name}, with its progress in a thread` : 'posts its digest';
  return reply(
    'info',
    text(`Schedule ${s.id}: the leading matterops serve ${what} in ${channelText(s.channel)} within seconds (asked at ${zonedText(now, s.timeZone)}).`),
  );
}

export const schedule = defineVerb<ScheduleOperation>({
  name: 'schedule',
  summary: 'status digests, or restore drills of an installation, on a cron schedule: add, list, remove, test',
  usage: 'schedule add "<cron>" status [name|all] | add "<cron>" drill <name> | list | remove|test <id>',
  examples: [
    'schedule add "0 9 * * 1-5" status all --tz Europe/Berlin',
    'schedule add "0 3 * * 0" drill mattermost',
    'schedule list',
    'schedule test s1',
    'schedule remove s1',
  ],
  risk: 'read',
  positionals: [
    { name: 'action', description: 'add, list, remove or test', required: true, complete: ['add', 'list', 'remove', 'test'] },
    { name: 'args', description: '"<cron>" status [name|all], "<cron>" drill <name>, or a schedule id', required: false, variadic: true },
  ],
  flags: [
    { name: 'tz', kind: 'string', description: 'the time zone the cron expression is read in (default UTC)', placeholder: 'Europe/Berlin' },
    { name: 'always', kind: 'boolean', description: 'post a digest even when all is green and nothing changed' },
    {
      name: 'channel',
      kind: 'string',
      description: 'the channel to post in (default: where the command is typed; from chat, one you are a member of)',
      placeholder: 'ops',
    },
  ],
  schema: ScheduleOpSchema,
  async run(ctx, op) {
    switch (op.action) {
      case 'add':
        return added(ctx, op);
      case 'list':
        return schedulesReply(await manageable(ctx), ctx.schedules.calendar, ctx.clock.now());
      case 'remove':
        return removed(ctx, op.args[0] ?? '');
      case 'test':
        return tested(ctx, op.args[0] ?? '');
    }
  },
});
