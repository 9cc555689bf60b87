/**
 * The incidents' threads as kept in the cluster (StateStore document `incidents/threads`,
 * docs/state.md): every open incident and every one resolved within the cool-down, with its
 * channel, its root post's id once made, and the state last notified. A new leader reads it so it
 * neither reposts an open incident nor forgets to resolve one that cleared while no one watched.
 */
import { z } from 'zod';
import type { StateDocument } from '../ports/state-store.ts';
import { IncidentSchema } from './incident.ts';

export const ThreadRecordSchema = z.object({
  key: z.string(),
  channel: z.string(),
  /** Undefined until the root is made (Mattermost down): a next leader posts it again. */
  rootPostId: z.string().optional(),
  incident: IncidentSchema,
  /** notifiedState() of what the thread shows now. */
  notified: z.string(),
});
export type ThreadRecord = z.infer<typeof ThreadRecordSchema>;

export const ThreadsSchema = z.object({ threads: z.array(ThreadRecordSchema) });
export type Threads = z.infer<typeof ThreadsSchema>;

export const threadsDocument: StateDocument<Threads> = {
  name: 'incidents/threads',
  schema: ThreadsSchema,
  initial: () => ({ threads: [] }),
};
