/**
 * Runs one schedule's due run, or its test (issue 13). A run is claimed in the state before it
 * posts (compare-and-swap of the run's firing time, with a claim unique to this scheduler), so of
 * two schedulers only the one whose claim was written posts, and a restarted one never posts a
 * run again. A run more than an hour late (no leader then) is skipped with a log line; a later one
 * says "(delayed N min)". The quiet rule: unless `--always`, a digest that is all green with
 * nothing changed since the last one is not posted; the last one is edited to say "still all
 * green at 09:00 Tue" instead. A drill schedule's run is a drill (run-drill.ts): claimed the same
 * way, and its end kept as `done` or `failed`; it may take long, so `startRun` hands back its
 * finish once it is claimed, for the scheduler to run it beside the rest.
 */
import { createAccess } from '../policy/access.ts';
import type { Policy } from '../policy/policy-schema.ts';
import { isQuiet, type Digest } from '../model/digest.ts';
import type { Caller } from '../model/caller.ts';
import type { Schedule, ScheduleRun } from '../model/schedule.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { Backups } from '../ports/backup-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterDirectory } from '../ports/cluster-gateway.ts';
import type { CronCalendar } from '../ports/cron-calendar.ts';
import type { Logger } from '../ports/logger.ts';
import { deliveredId, existingPost, type Notifier } from '../ports/notifier.ts';
import type { StateStore } from '../ports/state-store.ts';
import { seenOf } from '../digest/build-digest.ts';
import { digestReply } from '../digest/digest-reply.ts';
import { gatherDigest, incidentStoreFor } from '../digest/gather-digest.ts';
import { hhmmDay } from './check-schedule.ts';
import { runDrill, type DrillRunDeps } from './run-drill.ts';
import { schedulesDocument } from './schedules-document.ts';

export interface ScheduleRunnerDeps extends DrillRunDeps {
  store: StateStore;
  calendar: CronCalendar;
  clock: Clock;
  logger: Logger;
  notifier: Notifier;
  clusters: ClusterDirectory;
  policy: Policy;
  audit: (cluster: string) => AuditLog;
  backups: Backups;
  /** Where the incident threads are kept, and the cluster they are about (a digest of it shows them). */
  incidents: { store: StateStore; cluster: string };
  /** Makes each claim unique (this scheduler's name and a counter). */
  claimId: () => string;
}

/** A run to make: a scheduled one (its firing time) or a test (the time it was asked). */
export interface RunAsked {
  kind: 'scheduled' | 'test';
  for: Date;
  lateMs: number;
}

/** Over an hour late: skipped, not posted. */
export const latestPostMs = 3_600_000;

type RunField = 'lastRun' | 'lastTest';
const fieldOf = (run: RunAsked): RunField => (run.kind === 'test' ? 'lastTest' : 'lastRun');

function isClaimable(s: Schedule, run: RunAsked): boolean {
  const iso = run.for.toISOString();
  if (run.kind === 'test') return s.testAsked === iso && s.lastTest?.for !== iso;
  return (s.lastRun?.for ?? s.createdAt) < iso;
}

/** Writes `update` into the schedule, if it still exists; resolves with it as stored after. */
async function patchSchedule(d: ScheduleRunnerDeps, id: string, update: (s: Schedule) => Schedule): Promise<Schedule | undefined> {
  const after = await d.store.update(schedulesDocument, (current) => ({ ...current, schedules: current.schedules.map((s) => (s.id === id ? update(s) : s)) }));
  return after.schedules.find((s) => s.id === id);
}

/** Claims the run; true when this scheduler's claim is the one written. */
async function claim(d: ScheduleRunnerDeps, s: Schedule, run: RunAsked, result: Pick<ScheduleRun, 'outcome' | 'detail'>): Promise<string | undefined> {
  const token = d.claimId();
  const entry: ScheduleRun = { for: run.for.toISOString(), claim: token, ...result };
  const after = await patchSchedule(d, s.id, (x) => (isClaimable(x, run) ? { ...x, [fieldOf(run)]: entry } : x));
  return after?.[fieldOf(run)]?.claim === token ? token : undefined;
}

const ownerCaller = (s: Schedule): Caller => ({ ...s.owner });

async function digestFor(d: ScheduleRunnerDeps, s: Schedule, now: Date): Promise<Digest> {
  const gateway = d.clusters.get(s.cluster);
  if (!gateway) throw new Error(`cluster ${s.cluster} is not configured here any more`);
  // What the creator may `status`, by the policy as it is now.
  const access = createAccess(d.policy, ownerCaller(s), s.cluster);
  return gatherDigest(
    {
      gateway,
      cluster: s.cluster,
      mayView: (namespace, name) => access.decide('status', namespace, name).allowed,
      backups: d.backups,
      audit: d.audit(s.cluster),
      ...incidentStoreFor(d.incidents, s.cluster),
    },
    { scope: s.scope, at: now, ...(s.lastDigest ? { previous: { at: new Date(s.lastDigest.at), seen: s.lastDigest.seen } } : {}) },
  );
}

const delayNote = (run: RunAsked): string | undefined =>
  run.kind === 'scheduled' && run.lateMs >= 60_000 ? `(delayed ${Math.round(run.lateMs / 60_000)} min)` : undefined;

/** Posts (or, by the quiet rule, edits the last post); says what it did. */
async function deliver(
  d: ScheduleRunnerDeps,
  s: Schedule,
  run: RunAsked,
  now: Date,
): Promise<Pick<ScheduleRun, 'outcome' | 'detail'> & { lastDigest: Schedule['lastDigest'] }> {
  if (s.kind === 'drill') return { ...(await runDrill(d, s, run.kind === 'test' ? '(test)' : delayNote(run))), lastDigest: undefined };
  const digest = await digestFor(d, s, now);
  const last = s.lastDigest;
  if (run.kind === 'scheduled' && !s.always && last?.green && isQuiet(digest)) {
    const note = `still all green at ${hhmmDay(now, s.timeZone)}`;
    const edited = await d.notifier.edit(
      existingPost(last.channelId, last.postId),
      digestReply(digest, { timeZone: s.timeZone, title: 'Status digest', note: `(${note})` }),
    );
    if (!edited.ok) throw new Error(`could not edit the last digest: ${edited.reason}`);
    return { outcome: 'quiet', detail: note, lastDigest: { ...last, at: now.toISOString() } };
  }
  const channelId = await d.channelId(s.channel);
  const note = run.kind === 'test' ? '(test)' : delayNote(run);
  const post = d.notifier.post({ channel: channelId }, digestReply(digest, { timeZone: s.timeZone, title: 'Status digest', ...(note ? { note } : {}) }));
  const postId = await deliveredId(post);
  return {
    outcome: 'posted',
    ...(note ? { detail: note } : {}),
    lastDigest: { postId, channelId, at: now.toISOString(), green: digest.header === 'green', seen: seenOf(digest) },
  };
}

/** A claimed run: what is left of it, which settles (never rejects) once it has ended and been recorded. */
export interface StartedRun {
  finished: Promise<void>;
}

/**
 * Claims the run and hands back the rest of it (the post or the drill, then its record); a run
 * claimed by another scheduler, or skipped, is left alone (undefined).
 */
export async function startRun(d: ScheduleRunnerDeps, s: Schedule, run: RunAsked): Promise<StartedRun | undefined> {
  const log = { schedule: s.id, run: run.kind, for: run.for.toISOString() };
  if (run.kind === 'scheduled' && run.lateMs >= latestPostMs) {
    const skipped = `missed by ${Math.round(run.lateMs / 60_000)} min (no leader then)`;
    if (await claim(d, s, run, { outcome: 'skipped', detail: skipped }))
      d.logger.warn({ ...log, lateMs: run.lateMs }, `schedule ${s.id}: run skipped, ${skipped}`);
    return undefined;
  }
  const token = await claim(d, s, run, { outcome: 'claimed' });
  if (!token) return undefined;
  return { finished: finish(d, s, run, token) };
}

/** Posts (or drills) and records how it ended, under this scheduler's claim. */
async function finish(d: ScheduleRunnerDeps, s: Schedule, run: RunAsked, token: string): Promise<void> {
  const log = { schedule: s.id, run: run.kind, for: run.for.toISOString() };
  const now = d.clock.now();
  try {
    const done = await deliver(d, s, run, now);
    await patchSchedule(d, s.id, (x) => ({
      ...x,
      [fieldOf(run)]: { for: run.for.toISOString(), claim: token, outcome: done.outcome, ...(done.detail ? { detail: done.detail } : {}) },
      ...(done.lastDigest ? { lastDigest: done.lastDigest } : {}),
    }));
    d.logger.info({ ...log, outcome: done.outcome }, `schedule ${s.id}: ${done.outcome}`);
  } catch (error) {
    const message = (error as Error).message;
    d.logger.error({ ...log, err: message }, `schedule ${s.id}: the ${s.kind === 'drill' ? 'drill' : 'digest'} failed`);
    await patchSchedule(d, s.id, (x) => ({
      ...x,
      [fieldOf(run)]: { for: run.for.toISOString(), claim: token, outcome: 'failed', detail: message.slice(0, 200) },
    })).catch((e: unknown) => d.logger.error({ ...log, err: (e as Error).message }, `schedule ${s.id}: could not record the failed run`));
  }
}
