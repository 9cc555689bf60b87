/** Every step of a change goes to the audit log (Kubernetes Events) and to the structured log. */
import type { AuditLog, AuditPhase } from '../ports/audit-log.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import { changePhasesTotal } from '../metrics-catalog.ts';
import type { InstallationRef } from '../model/installation-ref.ts';
import { redactSecrets } from '../text/redact.ts';
import type { Caller } from '../model/caller.ts';
import type { Undo } from '../model/undo.ts';

export interface AuditStep {
  operationId: string;
  verb: string;
  /** `@alice` or the terminal user. */
  requester: string;
  /** From `viaOf(caller)`: `terminal`, `mattermost ~ops`. */
  via: string;
  target: InstallationRef;
  phase: AuditPhase;
  detail: string;
  /** The inverse of an applied change, when it has one (the draft's `undo`). */
  undo?: Undo;
}

export const viaOf = (caller: Pick<Caller, 'via' | 'channel'>): string => (caller.channel ? `${caller.via} ~${caller.channel}` : caller.via);

/** Writes one step; an audit failure is logged loudly but does not undo the change it records. */
export interface AuditDeps {
  audit: (cluster: string) => AuditLog;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
}

export async function recordStep(deps: AuditDeps, step: AuditStep): Promise<void> {
  const { logger, clock } = deps;
  const entry = {
    at: clock.now(),
    operationId: step.operationId,
    phase: step.phase,
    verb: step.verb,
    requester: step.requester,
    // Details carry error messages too: masked here, so no secret reaches the Event or the log line.
    via: step.via,
    cluster: step.target.cluster,
    namespace: step.target.namespace,
    installation: step.target.name,
    detail: redactSecrets(step.detail),
    ...(step.undo ? { undo: step.undo } : {}),
  };
  logger.info({ audit: true, ...entry, at: entry.at.toISOString() }, `${step.phase}: ${step.requester} ${entry.detail}`);
  try {
    await deps.audit(step.target.cluster).record(entry);
  } catch (error) {
    logger.error({ audit: true, operationId: step.operationId, err: (error as Error).message }, 'could not write the audit event');
  }
  // Counted after the Event is written: a metrics fault must never cost the audit trail.
  try {
    deps.metrics.inc(changePhasesTotal, { verb: step.verb, phase: step.phase });
  } catch (error) {
    logger.error({ err: (error as Error).message }, 'could not count a change phase');
  }
}
