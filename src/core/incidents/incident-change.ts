/**
 * THE BOUNDARY between where incidents come from and how they are posted: the thread keeper
 * (thread-keeper.ts) takes only these changes, from any source. The rule engine (engine.ts) makes
 * them from findings today; Alertmanager groups will make them from webhooks next (issue 12,
 * "Alertmanager alerts, threaded"): a new source only has to say, per incident key, when it
 * opened, changed, resolved or relapsed. Nothing past this file knows about rules or pods.
 */
import type { Incident } from './incident.ts';

export type IncidentChange =
  /** A new incident: a root post. `baseline` ones existed before the watcher started: summarised, not posted each. */
  | { kind: 'opened'; incident: Incident; baseline?: boolean }
  /** Its notified state changed (severity, count, objects affected): a thread reply and an edited root. */
  | { kind: 'updated'; incident: Incident }
  /** Clear for the hold-down: a "resolved after N min" reply and an edited root. */
  | { kind: 'resolved'; incident: Incident }
  /** Back within the cool-down after a resolution: the same thread, reopened. */
  | { kind: 'reopened'; incident: Incident };
