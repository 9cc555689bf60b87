/**
 * A change to the schedules is a change to the bot's own state (issue 13): no installation is
 * touched, so there is no dry run or lock, but it is audited like a change, as a JSON log line and
 * an Event on the ConfigMap that keeps the schedules (`kubectl describe configmap
 * matterops-schedules -n matterops`, read back by `audit -n matterops`).
 */
import type { AuditPhase } from '../ports/audit-log.ts';
import type { Clock } from '../ports/clock.ts';
import type { Caller } from '../model/caller.ts';
import { viaOf } from '../change/audit-trail.ts';
import { redactSecrets } from '../text/redact.ts';
import type { ScheduleDeps } from '../ports/schedule-deps.ts';

export interface ScheduleAudit {
  /** The same id for every step of one request (`s3-add`). */
  operationId: string;
  phase: AuditPhase;
  detail: string;
}

/** Writes the step; a failed Event is logged loudly and does not undo the change it records. */
export async function auditSchedule(deps: ScheduleDeps, clock: Clock, who: Pick<Caller, 'name' | 'via' | 'channel'>, step: ScheduleAudit): Promise<void> {
  const entry = {
    at: clock.now(),
    operationId: step.operationId,
    phase: step.phase,
    verb: 'schedule',
    requester: who.name,
    via: viaOf(who),
    cluster: deps.home.cluster,
    namespace: deps.home.namespace,
    installation: deps.home.configMap,
    objectKind: 'ConfigMap' as const,
    detail: redactSecrets(step.detail),
  };
  deps.logger.info({ audit: true, ...entry, at: entry.at.toISOString() }, `${step.phase}: ${who.name} ${entry.detail}`);
  try {
    await deps.audit(deps.home.cluster).record(entry);
  } catch (error) {
    deps.logger.error({ audit: true, operationId: step.operationId, err: (error as Error).message }, 'could not write the audit event');
  }
}
