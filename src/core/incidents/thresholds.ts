/**
 * The rules' delays and limits (issue 12's table), from the configuration (`incidents.*`,
 * docs/incidents.md). Defaults are the issue's.
 */
import { z } from 'zod';

const minutes = (n: number): number => n * 60_000;

export const ThresholdsSchema = z.object({
  /** A container waiting in CrashLoopBackOff opens at once after this many restarts... */
  crashLoopRestarts: z.number().int().min(1).default(2),
  /** ...or after this long with fewer. */
  crashLoopMs: z.number().int().min(0).default(minutes(5)),
  /** An OOM kill counts for this long after it happened (lastState keeps it until the next end). */
  oomWindowMs: z.number().int().min(0).default(minutes(15)),
  imagePullMs: z.number().int().min(0).default(minutes(2)),
  configErrorMs: z.number().int().min(0).default(minutes(1)),
  notReadyMs: z.number().int().min(0).default(minutes(5)),
  unavailableMs: z.number().int().min(0).default(minutes(5)),
  /** A CR reconciling (or in another state than stable) longer than this. */
  notStableMs: z.number().int().min(0).default(minutes(10)),
  /** The newest good backup older than this (or none, for an installation older than this) is a warning; 0: off. */
  backupTooOldMs: z
    .number()
    .int()
    .min(0)
    .default(minutes(26 * 60)),
  /** A finding gone this long resolves its incident (a flapping pod keeps one thread). */
  holdDownMs: z.number().int().min(0).default(30_000),
  /** A relapse within this long after the resolution reopens the same thread. */
  coolDownMs: z.number().int().min(0).default(minutes(30)),
  /** An audited matterops change this long before an incident began is named on its root (change-note.ts). */
  changeWindowMs: z.number().int().min(0).default(minutes(30)),
  /** More than this many new incidents within `stormWindowMs`, across the cluster, are one storm post... */
  stormCount: z.number().int().min(1).default(10),
  /** ...which goes on collecting them until this long passes with no new one. */
  stormWindowMs: z.number().int().min(1_000).default(minutes(5)),
  /** At most this many incident posts (roots and replies) per channel in any minute; more wait (channel-rate.ts); 0: no cap. */
  channelRatePerMinute: z.number().int().min(0).default(20),
  /** No leader watched for longer than this (or none ever did): what the first look finds is one baseline post. */
  baselineGapMs: z.number().int().min(60_000).default(minutes(60)),
});
export type Thresholds = z.infer<typeof ThresholdsSchema>;

export const defaultThresholds: Thresholds = ThresholdsSchema.parse({});
