/** What `schedule list` shows: id, cron, zone, what it posts (a digest or a drill, and of what), channel, next run (zone and UTC), last run. */
import { channelText, postsText, type Schedule, type ScheduleRun } from '../model/schedule.ts';
import type { CronCalendar } from '../ports/cron-calendar.ts';
import { reply, table, text, type Reply } from '../reply.ts';
import { zonedText } from './check-schedule.ts';

/** The next firing after `now`, in the schedule's zone and in UTC. */
export function nextRunText(s: Pick<Schedule, 'cron' | 'timeZone'>, calendar: CronCalendar, now: Date): { zoned: string; utc: string } {
  const [next] = calendar.next(s.cron, s.timeZone, now, 1);
  if (!next) return { zoned: 'never', utc: 'never' };
  return { zoned: zonedText(next, s.timeZone), utc: zonedText(next, 'UTC') };
}

const runText = (run: ScheduleRun | undefined): string => {
  if (!run) return 'not yet';
  return `${zonedText(new Date(run.for), 'UTC')}: ${run.outcome}${run.detail ? ` (${run.detail})` : ''}`;
};

export function schedulesReply(schedules: Schedule[], calendar: CronCalendar, now: Date): Reply {
  if (!schedules.length)
    return reply(
      'neutral',
      text('No schedules.'),
      text('add one with: schedule add "0 9 * * 1-5" status all --tz Europe/Berlin, or a restore drill: schedule add "0 3 * * 0" drill <name>'),
    );
  const rows = schedules.map((s) => {
    const next = nextRunText(s, calendar, now);
    return [s.id, s.cron, s.timeZone, `${postsText(s)}${s.always ? ' (always)' : ''}`, channelText(s.channel), next.zoned, next.utc, runText(s.lastRun)];
  });
  return reply('info', table(['id', 'cron', 'time zone', 'posts', 'channel', 'next run', 'next run (UTC)', 'last run'], rows));
}
