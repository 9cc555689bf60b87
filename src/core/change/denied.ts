/**
 * Refusals are audited (docs/policy.md): a change refused by the policy or by Kubernetes RBAC
 * writes the `denied` step, as an Event on the installation when the refusal names one, and as a
 * JSON log line always.
 */
import { isMatteropsError } from '../errors.ts';
import type { Caller } from '../model/caller.ts';
import { recordStep, viaOf, type AuditDeps } from './audit-trail.ts';

export interface Refused {
  verb: string;
  caller: Caller;
  /** The cluster the command was aimed at (the log line names it when no installation is known). */
  cluster: string;
  /** The plan's id when a waiting plan was refused; otherwise a fresh one. */
  operationId?: string;
}

/** Audits `error` as a `denied` step when it is a refusal; anything else is left to the caller. */
export async function auditDenied(deps: AuditDeps, refused: Refused, error: unknown): Promise<void> {
  if (!isMatteropsError(error) || error.code !== 'forbidden') return;
  const step = {
    operationId: refused.operationId ?? globalThis.crypto.randomUUID().slice(0, 8),
    verb: refused.verb,
    requester: refused.caller.name,
    via: viaOf(refused.caller),
  };
  if (error.target) {
    await recordStep(deps, { ...step, target: error.target, phase: 'denied', detail: error.message });
    return;
  }
  deps.logger.info(
    { audit: true, ...step, phase: 'denied', cluster: refused.cluster, at: deps.clock.now().toISOString(), detail: error.message },
    `denied: ${refused.caller.name} ${error.message}`,
  );
}
