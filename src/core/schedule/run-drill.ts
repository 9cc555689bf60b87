/**
 * One run of a drill schedule (issue 11): a root post in the schedule's channel says the drill
 * runs, the drill runs as the schedule's owner with its progress in that post's thread (as a
 * command typed there would: `runInChannel`), and the root is then edited to the outcome's
 * headline, so the channel shows one line per run and the thread has the details.
 *
 * A Mattermost owner is named afresh at every run (who they are now, in the channel the drill
 * posts to), so a user who left the group that grants `backup`, or was deactivated, runs no more
 * drills: the groups and channel kept when the schedule was added are not trusted for a run.
 */
import type { Caller } from '../model/caller.ts';
import { scopeText, type Schedule, type ScheduleChannel } from '../model/schedule.ts';
import type { Logger } from '../ports/logger.ts';
import { deliveredId, type Notifier, type PostRef } from '../ports/notifier.ts';
import { reply, text, type Reply } from '../reply.ts';
import { commandOutcome, scheduledCommand } from './scheduled-command.ts';

export interface DrillRunDeps {
  notifier: Notifier;
  logger: Logger;
  /** The channel's id (one named from the terminal is looked up in the bot's team). */
  channelId: (channel: ScheduleChannel) => Promise<string>;
  /**
   * Runs `command` through the pipeline as `caller`, its progress and outcome in the thread of
   * `root` (serve: the chat responder the slash path uses); resolves with its last reply, or
   * undefined when it crashed.
   */
  runInChannel: (root: PostRef, command: string, caller: Caller) => Promise<Reply | undefined>;
  /**
   * A Mattermost user as the policy sees them now, acting in `channelId` (their groups and that
   * channel's names); undefined when no such active user exists (unknown, or deactivated).
   */
  activeUser: (userId: string, channelId: string) => Promise<Caller | undefined>;
}

/** How a drill run ended, as the schedule's record keeps it. */
export interface DrillRunEnd {
  outcome: 'done' | 'failed';
  detail: string;
}

/** "Schedule s1: restore drill of chat/mattermost as @alice" */
const title = (s: Schedule): string => `Schedule ${s.id}: restore drill of ${scopeText(s.scope)} as ${s.owner.name}`;

/** The owner as they are now; a refusal (what to do instead) when they are no longer an active user. */
async function ownerNow(d: DrillRunDeps, s: Schedule, channelId: string): Promise<Caller | string> {
  // A terminal owner has no membership to look up: the OS user is who the policy names.
  if (s.owner.via !== 'mattermost') return { ...s.owner };
  const now = await d.activeUser(s.owner.id, channelId);
  if (now) return now;
  return (
    `${s.owner.name} is no longer an active Mattermost user; the schedule owner must be re-added: ` +
    `schedule remove ${s.id}, then schedule add ... by someone with backup`
  );
}

export async function runDrill(d: DrillRunDeps, s: Schedule, note: string | undefined): Promise<DrillRunEnd> {
  const command = scheduledCommand(s);
  if (!command) throw new Error(`schedule ${s.id} drills no single installation`);
  const channel = await d.channelId(s.channel);
  const suffix = note ? ` ${note}` : '';
  const owner = await ownerNow(d, s, channel);
  if (typeof owner === 'string') {
    // Nothing runs: the root says why, and the run is kept as failed with the same reason.
    await deliveredId(d.notifier.post({ channel }, reply('danger', text(`${title(s)}: refused: ${owner}.${suffix}`))));
    return { outcome: 'failed', detail: owner.slice(0, 200) };
  }
  const root = d.notifier.post({ channel }, reply('info', text(`${title(s)}: running, progress in the thread.${suffix}`)));
  await deliveredId(root); // a root that could not be posted fails the run before anything changes
  const outcome = commandOutcome(await d.runInChannel(root, command, owner));
  const edited = await d.notifier.edit(root, reply(outcome.ok ? 'good' : 'danger', text(`${title(s)}: ${outcome.headline}.${suffix}`)));
  // The drill has ended either way: its outcome is kept even when the root keeps saying "running".
  if (!edited.ok) d.logger.warn({ schedule: s.id, err: edited.reason }, `schedule ${s.id}: could not edit the drill's root post`);
  return { outcome: outcome.ok ? 'done' : 'failed', detail: outcome.detail.slice(0, 200) };
}
