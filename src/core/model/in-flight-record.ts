/**
 * What a change in flight leaves on its lock (signed: change/in-flight.ts), so a restarted bot can
 * take it over at the step it had reached, follow it to its end and report it where it was asked.
 * It names its writes and carries only the resumable ones in full (model/step.ts `resumable`: no
 * secret in them), so no secret value is kept on the Lease.
 */
import { z } from 'zod';
import { RecordedStepSchema } from './step.ts';

const RecordBase = z.object({
  operationId: z.string(),
  verb: z.string(),
  requester: z.string(),
  via: z.string(),
  /** The installation the change is about (its lock). */
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  summary: z.string(),
  startedAt: z.string(),
  deadline: z.string(),
  /** Where to report (a chat channel and post), opaque to the core. */
  replyTo: z.string().optional(),
});

const StepRecordSchema = RecordBase.extend({
  /** The plan's steps without write bodies (step.ts `recorded`). */
  steps: z.array(RecordedStepSchema).min(1),
  /** The step under way: every step before it is done. */
  step: z.number().int().min(0),
}).refine((r) => r.step < r.steps.length, { error: 'the current step is past the last one' });

/**
 * Before steps, a record said only what to wait for: a change applied by an older matterops is
 * still resumed after an upgrade, as the one wait it was.
 */
const WaitOnlyRecordSchema = RecordBase.extend({
  until: z.enum(['stable', 'deleted']),
  generation: z.number(),
}).transform(({ until, generation, ...base }) => ({
  ...base,
  step: 0,
  steps: [{ kind: 'wait' as const, until, namespace: base.namespace, name: base.name, generation }],
}));

export const InFlightRecordSchema = z.union([StepRecordSchema, WaitOnlyRecordSchema]);
export type InFlightRecord = z.output<typeof StepRecordSchema>;
