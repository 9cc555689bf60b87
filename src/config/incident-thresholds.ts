/**
 * The engine's thresholds from the `incidents.*` settings: each given delay parsed, the rest the
 * defaults; checked against the thresholds' schema (a storm window under 1 s, a baseline gap
 * under 1 min), so a mistake stops the start with the setting named.
 */
import { defaultThresholds, ThresholdsSchema, type Thresholds } from '../core/incidents/thresholds.ts';
import { parseDuration } from '../core/text/duration.ts';
import { incidentCounts, incidentDelays, type IncidentsConfig } from './incidents-config.ts';

export function incidentThresholds(c: IncidentsConfig): Thresholds {
  const thresholds: Thresholds = { ...defaultThresholds };
  for (const [name, field] of Object.entries(incidentCounts)) {
    const given = c[name as keyof typeof incidentCounts];
    if (given !== undefined) thresholds[field] = given;
  }
  for (const [name, field] of Object.entries(incidentDelays)) {
    const given = c[name as keyof typeof incidentDelays];
    if (given) thresholds[field] = parseDuration(given, `incidents.${name}`);
  }
  const checked = ThresholdsSchema.safeParse(thresholds);
  if (!checked.success) {
    const [issue] = checked.error.issues;
    const field = String(issue?.path[0] ?? '');
    const name = Object.entries({ ...incidentDelays, ...incidentCounts }).find(([, f]) => f === field)?.[0] ?? field;
    throw new Error(`incidents.${name}: ${issue?.message ?? 'out of range'}`);
  }
  return checked.data;
}
