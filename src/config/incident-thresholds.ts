/** The engine's thresholds from the `incidents.*` settings: each given delay parsed, the rest the defaults. */
import { defaultThresholds, type Thresholds } from '../core/incidents/thresholds.ts';
import { parseDuration } from '../core/text/duration.ts';
import { incidentDelays, type IncidentsConfig } from './incidents-config.ts';

export function incidentThresholds(c: IncidentsConfig): Thresholds {
  const thresholds: Thresholds = { ...defaultThresholds, ...(c.crashLoopRestarts !== undefined ? { crashLoopRestarts: c.crashLoopRestarts } : {}) };
  for (const [name, field] of Object.entries(incidentDelays)) {
    const given = c[name as keyof typeof incidentDelays];
    if (given) thresholds[field] = parseDuration(given, `incidents.${name}`);
  }
  return thresholds;
}
