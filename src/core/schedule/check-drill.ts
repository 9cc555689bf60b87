/**
 * Whether a restore drill may be scheduled (issue 11): each run is `backup <name> --drill --yes`
 * as the schedule's creator, so backups must be on here and the creator must hold the policy right
 * `backup` on that installation, judged by the same policy the backup verb is (deny by default).
 * Runs check it again (the policy may change); this refuses at once what could never run.
 */
import { MatteropsError, usageError } from '../errors.ts';
import { quoted } from '../text/excerpt.ts';
import type { ScheduleScope } from '../model/schedule.ts';
import type { VerbContext } from '../verb-context.ts';

export const drillExample = 'schedule add "0 3 * * *" drill mattermost';

/** The one installation a drill schedule names after `drill`, or a usage error saying how to name it. */
export function drillScopeWord(cron: string, scope: string | undefined, rest: string[]): string {
  if (scope === undefined || scope === 'all')
    throw usageError(
      `a drill schedule drills one installation: name it after drill${scope === 'all' ? ', not all (add one drill schedule per installation)' : ''}`,
      `example: schedule add "${cron}" drill mattermost`,
    );
  if (rest.length) throw usageError(`schedule add takes one installation name, got also ${quoted(rest.join(' '))}`, `example: ${drillExample}`);
  return scope;
}

/** Backups on here, and the creator's right to run the drill each run is (after the installation was resolved). */
export function checkDrill(ctx: Pick<VerbContext, 'access' | 'backups' | 'caller'>, scope: ScheduleScope): void {
  if ('all' in scope) throw usageError('a drill schedule drills one installation, not all', `example: ${drillExample}`);
  if (!ctx.backups.enabled)
    throw new MatteropsError(
      'invalid',
      `a drill schedule needs backups: ${ctx.backups.why}`,
      'docs/backups.md says how to set them up; or schedule a status digest',
    );
  const decision = ctx.access.decide('backup', scope.namespace, scope.name);
  if (!decision.allowed)
    throw new MatteropsError(
      'forbidden',
      `a drill schedule runs backup --drill as its creator, and ${decision.reason}`,
      'ask an admin for the backup right on it in the matterops policy, or schedule a status digest instead',
    );
}
