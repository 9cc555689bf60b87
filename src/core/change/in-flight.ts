/**
 * What a change leaves in the cluster while it is followed (on its Lease), so a restarted bot can
 * resume following it and report the outcome to the same place.
 */
import { z } from 'zod';

export const InFlightRecordSchema = z.object({
  operationId: z.string(),
  verb: z.string(),
  requester: z.string(),
  via: z.string(),
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  /** Done when the operator has observed at least this generation and says stable (or the CR is gone). */
  until: z.enum(['stable', 'deleted']),
  generation: z.number(),
  summary: z.string(),
  startedAt: z.string(),
  deadline: z.string(),
  /** Where to report (a chat channel and post), opaque to the core. */
  replyTo: z.string().optional(),
});
export type InFlightRecord = z.infer<typeof InFlightRecordSchema>;
