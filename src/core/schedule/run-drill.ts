/**
 * One run of a drill schedule (issue 11): a root post in the schedule's channel says the drill
 * runs, the drill runs as the schedule's owner with its progress in that post's thread (as a
 * command typed there would: `runInChannel`), and the root is then edited to the outcome's
 * headline, so the channel shows one line per run and the thread has the details.
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
}

/** How a drill run ended, as the schedule's record keeps it. */
export interface DrillRunEnd {
  outcome: 'done' | 'failed';
  detail: string;
}

/** "Schedule s1: restore drill of chat/mattermost as @alice" */
const title = (s: Schedule): string => `Schedule ${s.id}: restore drill of ${scopeText(s.scope)} as ${s.owner.name}`;

export async function runDrill(d: DrillRunDeps, s: Schedule, note: string | undefined): Promise<DrillRunEnd> {
  const command = scheduledCommand(s);
  if (!command) throw new Error(`schedule ${s.id} drills no single installation`);
  const channel = await d.channelId(s.channel);
  const suffix = note ? ` ${note}` : '';
  const root = d.notifier.post({ channel }, reply('info', text(`${title(s)}: running, progress in the thread.${suffix}`)));
  await deliveredId(root); // a root that could not be posted fails the run before anything changes
  const outcome = commandOutcome(await d.runInChannel(root, command, { ...s.owner }));
  const edited = await d.notifier.edit(root, reply(outcome.ok ? 'good' : 'danger', text(`${title(s)}: ${outcome.headline}.${suffix}`)));
  // The drill has ended either way: its outcome is kept even when the root keeps saying "running".
  if (!edited.ok) d.logger.warn({ schedule: s.id, err: edited.reason }, `schedule ${s.id}: could not edit the drill's root post`);
  return { outcome: outcome.ok ? 'done' : 'failed', detail: outcome.detail.slice(0, 200) };
}
