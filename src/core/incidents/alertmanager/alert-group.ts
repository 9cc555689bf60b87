/**
 * What an Alertmanager group looks like as an incident (issue 12, "Alertmanager alerts, threaded"):
 * the firing alerts with their labels and annotations, kept small enough for the cluster's state
 * documents. Everything here is what the root and the thread show; nothing says which
 * Alertmanager sent it, so the two peers of an HA pair describe a group identically.
 */
import { z } from 'zod';

/** Alerts described in full per group; the rest are counted (a group can hold hundreds). */
export const alertsDetailed = 10;
/** Firing alerts named in `affected` (what makes a change of the set worth an update). */
export const alertsNamed = 50;
/** Longest label value or annotation kept, in characters. */
export const textKept = 1_000;

export const AlertDetailSchema = z.object({
  name: z.string(),
  fingerprint: z.string(),
  /** Every label, sorted by name. */
  labels: z.record(z.string(), z.string()),
  summary: z.string().optional(),
  description: z.string().optional(),
  runbook: z.string().optional(),
  startsAt: z.coerce.date(),
});
export type AlertDetail = z.infer<typeof AlertDetailSchema>;

export const AlertGroupSchema = z.object({
  groupKey: z.string(),
  /** The route's group_by labels and their values. */
  labels: z.record(z.string(), z.string()),
  /** The value of the routing label (config alertmanager.channelLabel), when the group has one. */
  channel: z.string().optional(),
  /** The firing alerts (or, once resolved, those that last fired), the first `alertsDetailed` of them. */
  alerts: z.array(AlertDetailSchema),
  /** How many alerts that is in all, with those not detailed and those Alertmanager truncated. */
  count: z.number().int().min(0),
});
export type AlertGroup = z.infer<typeof AlertGroupSchema>;
