/**
 * `schedule add "<cron>" status [name|all] [--tz Zone] [--always] [--channel name]` and
 * `schedule add "<cron>" drill <name> [--tz Zone] [--channel name]`: judges the words, resolves the
 * installation (authorised for `schedule` on it; a drill also for `backup`, which each run is), and
 * keeps the schedule with the next free id in one compare-and-swap write.
 */
import { MatteropsError, usageError } from '../errors.ts';
import type { Caller } from '../model/caller.ts';
import { type Schedule, type ScheduleChannel, type ScheduleKind, type ScheduleScope } from '../model/schedule.ts';
import { checkDrill, drillExample, drillScopeWord } from './check-drill.ts';
import { schedulesDocument } from './schedules-document.ts';
import { resolveInstallation } from '../resolve-installation.ts';
import { quoted } from '../text/excerpt.ts';
import type { VerbContext } from '../verb-context.ts';
import { checkCron, checkTimeZone } from './check-schedule.ts';

export interface AddRequest {
  args: string[];
  tz: string | undefined;
  always: boolean;
  channel: string | undefined;
}

const example = 'schedule add "0 9 * * 1-5" status all';

/** A user forgot the quotes: `schedule add 0 9 * * 1-5 status` splits the expression into words. */
const looksLikeCronField = (word: string | undefined): boolean => word !== undefined && /^[\d*/,-]+$/.test(word);

/** The cron text, what it runs and the scope's word, or a usage error that shows how to write them. */
export function addWords(args: string[]): { cron: string; kind: ScheduleKind; scope: string } {
  const [cron, kind, scope, ...rest] = args;
  if (cron === undefined) throw usageError('schedule add needs a cron expression in quotes and what to post', `example: ${example}`);
  if (looksLikeCronField(kind)) throw usageError(`put the cron expression in quotes: schedule add "${args.slice(0, 5).join(' ')}" status all`);
  if (kind === 'drill') return { cron, kind, scope: drillScopeWord(cron, scope, rest) };
  if (kind !== 'status')
    throw usageError(
      `schedule add runs status digests or restore drills: after the cron expression comes status or drill, got ${kind === undefined ? 'nothing' : quoted(kind)}`,
      `examples: ${example}, or ${drillExample}`,
    );
  if (rest.length) throw usageError(`schedule add takes one installation name or all, got also ${quoted(rest.join(' '))}`, `example: ${example}`);
  return { cron, kind, scope: scope ?? 'all' };
}

/**
 * A channel named from chat must be one the caller is a member of (a review finding: it could aim a
 * digest at any channel of the team): it is kept by id, so it posts exactly there. The terminal's
 * user runs the bot's own configuration and may name any channel of its team.
 */
async function namedChannel(ctx: VerbContext, name: string): Promise<ScheduleChannel> {
  if (ctx.caller.via === 'terminal') return { name };
  const mine = ctx.memberChannel && (await ctx.memberChannel(name));
  if (!mine)
    throw new MatteropsError(
      'forbidden',
      `you are not a member of a channel ~${name} the bot is in, so a schedule may not post there`,
      'type the schedule add without --channel in the channel it should post in',
    );
  return { id: mine.id, name: mine.name };
}

/** Where the schedule posts: the channel named with --channel, else the chat channel it was added in. */
async function channelOf(ctx: VerbContext, named: string | undefined): Promise<ScheduleChannel> {
  if (named !== undefined) {
    const name = named.replace(/^~/, '');
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) throw usageError(`a channel is a Mattermost channel name like ops, got ${quoted(named)}`);
    return namedChannel(ctx, name);
  }
  if (ctx.channelHere) return { id: ctx.channelHere.id, ...(ctx.channelHere.name ? { name: ctx.channelHere.name } : {}) };
  throw usageError("say where the schedule posts: --channel <name> (a channel of the bot's team)", `example: ${example} --channel ops`);
}

async function scopeOf(ctx: VerbContext, word: string): Promise<ScheduleScope> {
  if (word === 'all') return { all: true };
  const installation = await resolveInstallation(ctx, word);
  return { namespace: installation.namespace, name: installation.name };
}

const ownerOf = (caller: Caller): Schedule['owner'] => ({
  id: caller.id,
  name: caller.name,
  via: caller.via,
  ...(caller.team ? { team: caller.team } : {}),
  ...(caller.channel ? { channel: caller.channel } : {}),
  ...(caller.groups?.length ? { groups: [...caller.groups] } : {}),
});

/** Adds the schedule; resolves with it as kept (its id given by the store's counter). */
export async function addSchedule(ctx: VerbContext, request: AddRequest): Promise<Schedule> {
  const { cron: typed, kind, scope: scopeWord } = addWords(request.args);
  if (kind === 'drill' && request.always)
    throw usageError('--always is an option of status digests (a drill posts at every run): type the schedule add without it', `example: ${drillExample}`);
  const timeZone = checkTimeZone(request.tz ?? 'UTC');
  const now = ctx.clock.now();
  const cron = checkCron(typed, timeZone, { calendar: ctx.schedules.calendar, from: now, gapMs: ctx.schedules.minimumGapMs });
  const channel = await channelOf(ctx, request.channel);
  const scope = await scopeOf(ctx, scopeWord);
  if (kind === 'drill') checkDrill(ctx, scope);
  const draft = {
    cron,
    timeZone,
    kind,
    scope,
    always: request.always,
    cluster: ctx.scope.cluster,
    channel,
    owner: ownerOf(ctx.caller),
    createdAt: now.toISOString(),
  };
  let added: Schedule | undefined;
  await ctx.schedules.store.update(schedulesDocument, (current) => {
    added = { id: `s${current.nextId}`, ...draft };
    return { nextId: current.nextId + 1, schedules: [...current.schedules, added] };
  });
  return added!;
}
