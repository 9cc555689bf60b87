/**
 * The Alertmanager groups as delivered, kept in the cluster (StateStore document
 * `alertmanager/groups`, docs/state.md; a group of its own, apart from the threads): every replica
 * that Alertmanager reaches writes the delivery here and answers, and the leader posts from here
 * (alert-threads.ts). So a delivery to a follower is neither lost nor posted twice, and the two
 * peers of an HA pair delivering the same group make one entry.
 */
import { z } from 'zod';
import type { StateDocument } from '../../ports/state-store.ts';
import type { IncidentChange } from '../incident-change.ts';
import { IncidentSchema } from '../incident.ts';

export const AlertGroupEntrySchema = z.object({
  key: z.string(),
  /** What the last delivery changed; the leader hands it to the thread keeper. */
  kind: z.enum(['opened', 'updated', 'resolved', 'reopened']),
  incident: IncidentSchema,
  receivedAt: z.coerce.date(),
});
export type AlertGroupEntry = z.infer<typeof AlertGroupEntrySchema>;

export const AlertGroupsSchema = z.object({ groups: z.array(AlertGroupEntrySchema) });
export type AlertGroups = z.infer<typeof AlertGroupsSchema>;

export const alertGroupsDocument: StateDocument<AlertGroups> = {
  name: 'alertmanager/groups',
  schema: AlertGroupsSchema,
  initial: () => ({ groups: [] }),
};

/** The entry's change, as the thread keeper takes it. */
export const changeOf = (entry: AlertGroupEntry): IncidentChange => ({ kind: entry.kind, incident: entry.incident });

/**
 * The document with one delivery's change in place of the group's previous entry, less the groups
 * resolved longer than the cool-down ago (a group firing again after that is a new incident, as the
 * thread keeper forgets its thread then too).
 */
export function withDelivery(doc: AlertGroups, change: IncidentChange, now: Date, coolDownMs: number): AlertGroups {
  const entry: AlertGroupEntry = { key: change.incident.key, kind: change.kind, incident: change.incident, receivedAt: now };
  const kept = (e: AlertGroupEntry): boolean => e.incident.state === 'open' || now.getTime() - (e.incident.resolvedAt ?? e.receivedAt).getTime() < coolDownMs;
  return { groups: [...doc.groups.filter((e) => e.key !== entry.key && kept(e)), entry] };
}
