/**
 * A change is a list of steps (docs/adr/0004-changes-are-steps.md): writes to any object, and
 * waits until the cluster has done what was written. Data only, kept in the in-flight record, so a
 * resumed change continues at the step it had reached.
 */
import { z } from 'zod';
import { ResourceWriteSchema } from './resource.ts';

export const WriteStepSchema = ResourceWriteSchema.extend({
  kind: z.literal('write'),
  /**
   * The resourceVersion the plan was made against: the real write carries it as a precondition,
   * so what is applied is exactly what was previewed (dry runs carry none: status churn).
   */
  resourceVersion: z.string().optional(),
  /**
   * The write holds nothing secret (Secrets are named, never filled in) and making it twice does no
   * harm (a merge patch; a create whose "already exists" means it was made): the in-flight record
   * keeps it in full, and a resumed change makes it (restore's steps). Env writes are never this.
   */
  resumable: z.literal(true).optional(),
});
export type WriteStep = z.infer<typeof WriteStepSchema>;

export const waitConditions = ['stable', 'deleted', 'job-complete', 'replicas-gone', 'env-from-secret'] as const;
export type WaitCondition = (typeof waitConditions)[number];

export const WaitStepSchema = z.object({
  kind: z.literal('wait'),
  /**
   * `stable`: the operator observed at least `generation` of the installation and says stable;
   * `deleted`: the installation is gone; `job-complete`: the Job succeeded (a failed one fails the
   * change); `replicas-gone`: no pod of the installation is left; `env-from-secret`: every pod of
   * the installation (one at least) takes `env` from Secret `secret`.
   */
  until: z.enum(waitConditions),
  namespace: z.string(),
  /** The installation, or the Job for `job-complete`. */
  name: z.string(),
  /** For `env-from-secret`: the variable, and the Secret it must come from. */
  env: z.string().optional(),
  secret: z.string().optional(),
  /** For `stable`: filled in from the write before it, when that write has happened. */
  generation: z.number().optional(),
  /** Where things stand when this wait fails, and what to run next (a restore's steps say it). */
  ifFailed: z.string().optional(),
  /**
   * How long this wait may take, from when it starts (a runner Job: its own deadline and a margin);
   * absent: the follow timeout. The change's whole deadline counts these in.
   */
  timeoutSeconds: z.number().int().positive().optional(),
});
export type WaitStep = z.infer<typeof WaitStepSchema>;

export type Step = WriteStep | WaitStep;

/**
 * A step as the in-flight record keeps it: a write names its object and the kind of write, and
 * carries its patch or body only when it is resumable (an env patch carries every value of the
 * installation's environment, and the record sits in plain sight on a Lease). So a resumed change
 * follows waits and makes resumable writes, and stops before any other write, saying so.
 */
export const RecordedWriteSchema = WriteStepSchema.omit({ action: true }).extend({
  action: z.object({ kind: z.enum(['patch', 'create', 'delete']) }),
  /** A resumable write's full action (see `resumable`). */
  full: WriteStepSchema.shape.action.optional(),
});
export type RecordedWrite = z.infer<typeof RecordedWriteSchema>;
export const RecordedStepSchema = z.discriminatedUnion('kind', [RecordedWriteSchema, WaitStepSchema]);
export type RecordedStep = z.infer<typeof RecordedStepSchema>;

export const recorded = (step: Step): RecordedStep => {
  if (step.kind === 'wait') return step;
  return { ...step, action: { kind: step.action.kind }, ...(step.resumable ? { full: step.action } : {}) };
};
