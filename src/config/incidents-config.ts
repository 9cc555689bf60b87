/**
 * The incident notifications' settings (docs/incidents.md): the default channel, which namespaces
 * are watched, and the rules' delays as durations (`90s`, `5m`), each with its environment variable
 * (`MATTEROPS_INCIDENT_HOLD_DOWN` for `holdDown`). Unset delays keep core/incidents/thresholds.ts'.
 */
import { z } from 'zod';

const delay = z
  .string()
  .regex(/^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/, { error: 'incident delays look like 30s, 5m or 1h30m' })
  .optional();

/** On unless the environment says off, false, 0 or no. */
const onUnlessOff = z.preprocess((v) => (typeof v === 'string' ? !['off', 'false', '0', 'no'].includes(v.toLowerCase()) : v), z.boolean()).default(true);

export const IncidentsConfigSchema = z
  .object({
    /** Off: no watch and no incident posts. */
    enabled: onUnlessOff,
    /**
     * Off: roots show no previous container's log tail and attach no file. Everyone who reads an
     * incident channel reads the tail (redacted), whether or not the policy lets them run `logs`.
     */
    logTail: onUnlessOff,
    /** The channel id incidents go to when no `notify here` route names one. */
    channel: z.string().min(1).optional(),
    /** Namespaces watched (comma-separated in the environment); default every namespace. */
    namespaces: z
      .preprocess(
        (v) =>
          typeof v === 'string'
            ? v
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : v,
        z.array(z.string().min(1)).min(1),
      )
      .optional(),
    crashLoopRestarts: z.coerce.number().int().min(1).optional(),
    /** More than this many new incidents within `stormWindow` are one storm post. */
    stormCount: z.coerce.number().int().min(1).optional(),
    /** At most this many incident posts per channel per minute (0: no cap). */
    channelRate: z.coerce.number().int().min(0, { error: 'incidents.channelRate is a number of posts per minute, 0 for no cap' }).optional(),
    crashLoop: delay,
    oomWindow: delay,
    imagePull: delay,
    configError: delay,
    notReady: delay,
    unavailable: delay,
    notStable: delay,
    holdDown: delay,
    coolDown: delay,
    backupTooOld: delay,
    changeWindow: delay,
    stormWindow: delay,
    baselineGap: delay,
  })
  .default({ enabled: true, logTail: true });
export type IncidentsConfig = z.infer<typeof IncidentsConfigSchema>;

/** The delays, by their config name, as the engine's threshold names them. */
export const incidentDelays = {
  crashLoop: 'crashLoopMs',
  oomWindow: 'oomWindowMs',
  imagePull: 'imagePullMs',
  configError: 'configErrorMs',
  notReady: 'notReadyMs',
  unavailable: 'unavailableMs',
  notStable: 'notStableMs',
  holdDown: 'holdDownMs',
  coolDown: 'coolDownMs',
  backupTooOld: 'backupTooOldMs',
  changeWindow: 'changeWindowMs',
  stormWindow: 'stormWindowMs',
  baselineGap: 'baselineGapMs',
} as const;

/** The counts, by their config name, as the engine's threshold names them. */
export const incidentCounts = {
  crashLoopRestarts: 'crashLoopRestarts',
  stormCount: 'stormCount',
  channelRate: 'channelRatePerMinute',
} as const;

const envName = (d: string): string => `MATTEROPS_INCIDENT_${d.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

export const incidentsEnvBindings: Record<string, string[]> = {
  MATTEROPS_INCIDENTS: ['incidents', 'enabled'],
  MATTEROPS_INCIDENTS_CHANNEL: ['incidents', 'channel'],
  MATTEROPS_INCIDENTS_NAMESPACES: ['incidents', 'namespaces'],
  MATTEROPS_INCIDENT_LOG_TAIL: ['incidents', 'logTail'],
  MATTEROPS_INCIDENT_CRASH_LOOP_RESTARTS: ['incidents', 'crashLoopRestarts'],
  MATTEROPS_INCIDENT_STORM_COUNT: ['incidents', 'stormCount'],
  MATTEROPS_INCIDENT_CHANNEL_RATE: ['incidents', 'channelRate'],
  ...Object.fromEntries(Object.keys(incidentDelays).map((d) => [envName(d), ['incidents', d]])),
};
