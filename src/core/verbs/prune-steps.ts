/** The steps of a prune (a runner Job deleting exactly the ids it is given), shared by `backups --prune` and `backup`. */
import { runJob } from '../change/runner-job.ts';
import { backupAnnotations, runnerEnv } from '../model/backup.ts';
import type { BackupSettings } from '../model/backup-settings.ts';
import { usernameOf } from '../model/caller.ts';
import type { Installation } from '../model/installation.ts';
import type { Step } from '../model/step.ts';
import type { RetentionRules } from '../model/retention.ts';
import type { VerbContext } from '../verb-context.ts';

export interface PruneRun {
  installation: Installation;
  runId: string;
  /** Exactly the ids the plan shows. */
  ids: string[];
}

export function pruneSteps(ctx: VerbContext, settings: BackupSettings, { installation, runId, ids }: PruneRun): Step[] {
  const list = ids.join(',');
  return runJob(settings, {
    operation: 'prune',
    runId,
    backupId: runId,
    installation,
    requestedBy: usernameOf(ctx.caller),
    env: { [runnerEnv.pruneIds]: list },
    annotations: { [backupAnnotations.pruneIds]: list },
  });
}

export function retentionShown(rules: RetentionRules): string {
  const parts = [
    rules.keepLast ? `last ${rules.keepLast}` : '',
    rules.keepDaily ? `daily ${rules.keepDaily}` : '',
    rules.keepWeekly ? `weekly ${rules.keepWeekly}` : '',
    rules.keepMonthly ? `monthly ${rules.keepMonthly}` : '',
  ].filter(Boolean);
  return parts.length ? `keep ${parts.join(', ')}` : 'no retention rules (everything is kept)';
}
