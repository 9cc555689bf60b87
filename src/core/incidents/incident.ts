/**
 * The incident model (issue 12): what is wrong, where, since when, and the evidence that helps.
 * A rule's finding becomes an incident once it has lasted its rule's delay (engine.ts); an
 * Alertmanager group becomes one when Alertmanager delivers it (alertmanager/), so nothing here is
 * about pods.
 */
import { z } from 'zod';
import { AlertGroupSchema } from './alertmanager/alert-group.ts';

export const severities = ['warning', 'critical'] as const;
export type Severity = (typeof severities)[number];

const InstallationRefSchema = z.object({ namespace: z.string(), name: z.string() });

/**
 * Evidence: labelled facts (exit code, image, the scheduler's message) and recent lines (events);
 * for a container that ended (crash loop, OOM kill), the pod and container whose previous log
 * tells why: the thread keeper reads that log once per opening (log-tail.ts).
 */
export const EvidenceSchema = z.object({
  facts: z.array(z.object({ label: z.string(), value: z.string() })),
  lines: z.array(z.string()),
  previousLog: z.object({ pod: z.string(), container: z.string() }).optional(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const IncidentSchema = z.object({
  /** Unique among open incidents: `<rule>:<namespace>/<name>[:<part>]`. */
  key: z.string(),
  /** Who found it: the rule engine, or an Alertmanager group (`alertGroup` then holds its alerts). */
  source: z.enum(['rules', 'alertmanager']),
  installation: InstallationRefSchema.optional(),
  rule: z.string(),
  severity: z.enum(severities),
  title: z.string(),
  /** When the problem began, as far as anyone can tell. */
  since: z.coerce.date(),
  /** Pods (or other objects) affected, sorted: a new one is worth an update. */
  affected: z.array(z.string()),
  evidence: EvidenceSchema,
  state: z.enum(['open', 'resolved']),
  resolvedAt: z.coerce.date().optional(),
  alertGroup: AlertGroupSchema.optional(),
});
export type Incident = z.infer<typeof IncidentSchema>;

/**
 * What makes an incident worth a thread update when it changes: severity, the title (which
 * carries the count) and the objects affected; evidence alone (another event line) is not.
 */
export const notifiedState = (i: Pick<Incident, 'severity' | 'title' | 'affected' | 'state'>): string =>
  JSON.stringify([i.state, i.severity, i.title, i.affected]);
