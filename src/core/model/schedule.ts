/**
 * Scheduled posts (issue 13): what a schedule is, as kept in the state document `schedules/all`
 * (docs/state.md, docs/digests.md). One document for every schedule, updated with compare-and-swap,
 * so adding, removing and claiming a run are each one atomic write whichever replica makes it.
 */
import { z } from 'zod';

/** What a schedule covers: every installation its creator may see, or one. */
export const ScheduleScopeSchema = z.union([z.object({ all: z.literal(true) }), z.object({ namespace: z.string(), name: z.string() })]);
export type ScheduleScope = z.infer<typeof ScheduleScopeSchema>;

/**
 * Who added it: a digest shows what this caller may `status` (the policy as it is at each run; the
 * caller's groups as they were when the schedule was added, since a run has no chat request to
 * learn them from).
 */
export const ScheduleOwnerSchema = z.object({
  id: z.string(),
  name: z.string(),
  via: z.enum(['terminal', 'mattermost']),
  team: z.string().optional(),
  channel: z.string().optional(),
  groups: z.array(z.string()).optional(),
});

/** Where it posts: the channel it was added in (its id), or a channel named from the terminal. */
export const ScheduleChannelSchema = z.object({ id: z.string().optional(), name: z.string().optional() });
export type ScheduleChannel = z.infer<typeof ScheduleChannelSchema>;

/**
 * How a run ended; `claimed` is a run a scheduler took and has not finished (or died in). A
 * digest is `posted` or `quiet`; a drill `done` (the backup verified) or `failed`.
 */
export const runOutcomes = ['claimed', 'posted', 'quiet', 'done', 'skipped', 'failed'] as const;
export const ScheduleRunSchema = z.object({
  /** The firing time the run is for (ISO), or the time a test was asked for. */
  for: z.string(),
  /** Unique per claim: the scheduler that wrote it is the one that posts. */
  claim: z.string(),
  outcome: z.enum(runOutcomes),
  detail: z.string().optional(),
});
export type ScheduleRun = z.infer<typeof ScheduleRunSchema>;

/**
 * What the last posted digest showed of each installation, to say what changed since. `incidents`
 * (its open incidents' keys and titles) is absent in digests kept before incidents were shown, and
 * when that digest had no incident state: then no incident counts as newly opened.
 */
export const SeenSchema = z.record(
  z.string(),
  z.object({
    version: z.string().optional(),
    replicas: z.number().optional(),
    health: z.string(),
    incidents: z.array(z.object({ key: z.string(), title: z.string() })).optional(),
  }),
);
export type Seen = z.infer<typeof SeenSchema>;

/**
 * What a run does: post a status digest, or run a restore drill of one installation (`backup
 * <name> --drill`, docs/backups.md). Documents kept before drills existed have no kind: status.
 */
export const scheduleKinds = ['status', 'drill'] as const;
export type ScheduleKind = (typeof scheduleKinds)[number];

export const ScheduleSchema = z.object({
  id: z.string(),
  cron: z.string(),
  timeZone: z.string(),
  kind: z.enum(scheduleKinds).default('status'),
  scope: ScheduleScopeSchema,
  /** Post even when all is green and nothing changed (no quiet rule). */
  always: z.boolean(),
  cluster: z.string(),
  channel: ScheduleChannelSchema,
  owner: ScheduleOwnerSchema,
  createdAt: z.string(),
  /** The last scheduled run (claimed, then its outcome). */
  lastRun: ScheduleRunSchema.optional(),
  /** `schedule test` asked for a post at this time; a test run for it is claimed like any run. */
  testAsked: z.string().optional(),
  lastTest: ScheduleRunSchema.optional(),
  /** The last digest posted: its post (edited by the quiet rule), when, and what it showed. */
  lastDigest: z.object({ postId: z.string(), channelId: z.string(), at: z.string(), green: z.boolean(), seen: SeenSchema }).optional(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const SchedulesSchema = z.object({ nextId: z.number().int().min(1), schedules: z.array(ScheduleSchema) });
export type Schedules = z.infer<typeof SchedulesSchema>;

/** `all` or `chat/mattermost`, as lists show it. */
export const scopeText = (scope: ScheduleScope): string => ('all' in scope ? 'all' : `${scope.namespace}/${scope.name}`);

/** What a run of it does, as lists and replies say it: "a status digest of all", "a restore drill of chat/mattermost". */
export const postsText = (s: Pick<Schedule, 'kind' | 'scope'>): string =>
  s.kind === 'drill' ? `a restore drill of ${scopeText(s.scope)}` : `a status digest of ${scopeText(s.scope)}`;

/** `~ops`, or the channel's id when it was added in a channel without a name (a direct message). */
export const channelText = (channel: ScheduleChannel, fallback = 'its channel'): string =>
  channel.name ? `~${channel.name}` : channel.id ? `channel ${channel.id}` : fallback;
