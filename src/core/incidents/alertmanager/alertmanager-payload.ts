/**
 * Alertmanager's webhook payload, version 4 (prometheus/alertmanager notify/webhook/webhook.go
 * `Message`, its `template.Data` and `template.Alert`), as the one shape `POST /hooks/alertmanager`
 * accepts. Strict where the mapping depends on it (version, groupKey, status, each alert's labels,
 * fingerprint and times), lenient elsewhere: unknown fields are ignored and a Go nil map (`null`)
 * reads as empty, so a newer Alertmanager that adds a field is still understood.
 */
import { z } from 'zod';

/** A Go `template.KV`: label or annotation names to values; `null` when Go left the map nil. */
const KvSchema = z.preprocess((v) => v ?? {}, z.record(z.string(), z.string()));

export const AlertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: KvSchema,
  annotations: KvSchema,
  startsAt: z.coerce.date(),
  /** Go's zero time (`0001-01-01T00:00:00Z`) while an alert has no end yet. */
  endsAt: z.coerce.date(),
  generatorURL: z.string().default(''),
  /** A hash of the labels: the same alert has the same fingerprint on every Alertmanager of an HA pair. */
  fingerprint: z.string().min(1),
});
export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlertSchema>;

export const AlertmanagerPayloadSchema = z.object({
  version: z.literal('4', { error: 'only version 4 of the Alertmanager webhook payload is understood' }),
  /** Identifies the alert group (the route and its group_by labels): one incident each. */
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().default(''),
  groupLabels: KvSchema,
  commonLabels: KvSchema,
  commonAnnotations: KvSchema,
  externalURL: z.string().default(''),
  alerts: z.array(AlertmanagerAlertSchema).min(1),
});
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayloadSchema>;
