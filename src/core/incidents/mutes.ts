/**
 * Muted installations (`mute <name> 2h [--reason]`, `unmute <name>`, `mutes`), kept in the cluster
 * (StateStore document `notify/mutes`, docs/state.md) with the time they expire. A muted
 * installation's incidents are still tracked and kept in `incidents/threads`, but get no posts;
 * the unmute (typed, or the expiry the leader notices) posts one summary of what is open.
 */
import { z } from 'zod';
import type { StateDocument } from '../ports/state-store.ts';
import type { ThreadRecord } from './thread-document.ts';

export const MuteSchema = z.object({
  /** `namespace/name`. */
  installation: z.string(),
  until: z.coerce.date(),
  reason: z.string().optional(),
  by: z.string(),
  at: z.coerce.date(),
});
export type Mute = z.infer<typeof MuteSchema>;

export const MutesSchema = z.object({ mutes: z.array(MuteSchema) });
export type Mutes = z.infer<typeof MutesSchema>;

export const mutesDocument: StateDocument<Mutes> = {
  name: 'notify/mutes',
  schema: MutesSchema,
  initial: () => ({ mutes: [] }),
};

/** The mute in force for an installation at `now`, if any. */
export const muteOf = (mutes: Mutes, installation: string, now: Date): Mute | undefined =>
  mutes.mutes.find((m) => m.installation === installation && m.until.getTime() > now.getTime());

/** The incidents an installation has open, as the threads document keeps them (what an unmute summarises). */
export const openThreadsOf = (threads: readonly ThreadRecord[], installation: string): ThreadRecord[] =>
  threads.filter(
    (t) => t.incident.state === 'open' && t.incident.installation && `${t.incident.installation.namespace}/${t.incident.installation.name}` === installation,
  );
