/**
 * Incident notifications, on the leader only (issue 12, Watching): informers over Mattermost CRs,
 * their Deployments, ReplicaSets and pods, warning Events and Jobs, in the configured namespaces or
 * all; every change updates the installation's snapshot, and the tracker turns snapshots into
 * threads (core/incidents/). The tracker starts only once every watch has listed, so incidents the
 * last leader left open are judged against the whole cluster, not a half-listed one.
 */
import type { ChangeNote } from '../core/incidents/change-note.ts';
import type { LogTails } from '../core/incidents/log-tail.ts';
import { IncidentEngine } from '../core/incidents/engine.ts';
import { IncidentTracker } from '../core/incidents/incident-tracker.ts';
import { channelFor, routesDocument } from '../core/incidents/routes.ts';
import { ListKeeper } from '../core/incidents/list-keeper.ts';
import { QuietKeeper } from '../core/incidents/quiet-keeper.ts';
import type { CronCalendar } from '../core/ports/cron-calendar.ts';
import { cronerCalendar } from '../adapters/cron/croner-calendar.ts';
import { ThreadKeeper } from '../core/incidents/thread-keeper.ts';
import type { Thresholds } from '../core/incidents/thresholds.ts';
import type { LastGoodBackups } from '../core/last-good-backups.ts';
import type { Clock, Timer } from '../core/ports/clock.ts';
import { installationLabel } from '../adapters/kubernetes/incident-objects.ts';
import { kinds, type ResourceKind } from '../core/model/resource.ts';
import type { ClusterWatch, Watching, WatchSpec } from '../core/ports/cluster-watch.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Metrics } from '../core/ports/metrics.ts';
import { OpenIncidentsGauge } from '../core/incidents/open-incidents-gauge.ts';
import { ruleNames } from '../core/incidents/rules/index.ts';
import type { Notifier, PostRef } from '../core/ports/notifier.ts';
import type { StateStore } from '../core/ports/state-store.ts';
import type { InstallationSnapshot } from '../core/incidents/snapshot.ts';
import { InstallationSnapshots, type WatchedKind } from './installation-snapshots.ts';
import { aborted, type Runnable } from './runnable.ts';

export interface IncidentWatchDeps {
  watch: ClusterWatch;
  /** Where threads and routes are kept (the default cluster's state namespace). */
  store: StateStore;
  notifier: Notifier;
  thresholds: Thresholds;
  /** Where incidents go without a route (`incidents.channel`). */
  defaultChannel: string | undefined;
  /** Undefined: every namespace. */
  namespaces: readonly string[] | undefined;
  clock: Clock;
  logger: Logger;
  /** Where the open incidents by rule are shown while this replica leads. */
  metrics: Metrics;
  /**
   * How long changes gather before snapshots are judged (a rollout touches many objects at once):
   * judged `gatherMs` (200 ms) after the last change, at most `gatherMaxMs` (1 s) after the first,
   * so a burst written over a few hundred milliseconds is one batch (one storm post) and a steady
   * flow is still judged every second.
   */
  gatherMs?: number;
  gatherMaxMs?: number;
  /**
   * The newest good backup per installation, from the leader's 5-minute read of the store
   * (last-good-backups-refresh.ts), for the backup-too-old rule; undefined: backups are off.
   */
  lastGoodBackups?: Pick<LastGoodBackups, 'newestGood' | 'onRead'> | undefined;
  /** The change-aware note of a root (core/incidents/change-note.ts); default none. */
  note?: ChangeNote;
  /** How quiet hours' times of day are read in their zone; default croner's (src/adapters/cron/). */
  calendar?: CronCalendar;
  /** The previous container's log on a crash loop's or OOM kill's root (core/incidents/log-tail.ts); default none. */
  logTails?: LogTails;
}

/**
 * What is watched, narrowed by the apiserver: the installations' own pods, Deployments and
 * ReplicaSets (the operator labels them; the snapshots ignore any other), so the informers neither
 * receive nor cache the rest of the cluster's; warning Events only (normal ones are most of the
 * traffic and no rule reads them). Jobs are all watched: the operator's update check is known by
 * its owner, not a label.
 */
const watched: [WatchedKind, ResourceKind, Pick<WatchSpec, 'labelSelector' | 'fieldSelector'>][] = [
  ['mattermost', kinds.mattermost, {}],
  ['pod', kinds.pod, { labelSelector: installationLabel }],
  ['deployment', kinds.deployment, { labelSelector: installationLabel }],
  ['replicaSet', kinds.replicaSet, { labelSelector: installationLabel }],
  ['job', kinds.job, {}],
  ['event', kinds.event, { fieldSelector: 'type=Warning' }],
];

/**
 * The posting side of the watch: the thread keeper with the list keeper (baseline and storm posts)
 * before it, routed by the routes document. Exported so the storm benchmark (bench/storm.bench.ts)
 * drives the very keepers the leader runs, below the Kubernetes watch.
 */
export function incidentKeepers(
  d: Pick<IncidentWatchDeps, 'store' | 'notifier' | 'thresholds' | 'defaultChannel' | 'clock' | 'logger' | 'note' | 'calendar' | 'logTails'>,
  posted: PostedByProcess = postedByProcess(d),
): {
  keeper: ThreadKeeper;
  lists: ListKeeper;
  quiet: QuietKeeper;
} {
  const route = async (incident: { installation?: { namespace: string; name: string } | undefined }): Promise<string | undefined> =>
    channelFor((await d.store.read(routesDocument)).value, incident.installation, d.defaultChannel);
  const lists = new ListKeeper({
    notifier: posted.notifier,
    store: d.store,
    clock: d.clock,
    logger: d.logger,
    route,
    thresholds: d.thresholds,
    posted: posted.lists,
  });
  const quiet = new QuietKeeper({
    notifier: posted.notifier,
    store: d.store,
    clock: d.clock,
    logger: d.logger,
    calendar: d.calendar ?? cronerCalendar,
    posted: posted.summaries,
  });
  const keeper = new ThreadKeeper({
    notifier: posted.notifier,
    store: d.store,
    clock: d.clock,
    logger: d.logger,
    route,
    coolDownMs: d.thresholds.coolDownMs,
    ...(d.note ? { note: d.note } : {}),
    ...(d.logTails ? { logTails: d.logTails } : {}),
    lists,
    posted: posted.threads,
    quiet,
  });
  return { keeper, lists, quiet };
}

/** The roots, list posts and quiet hours summaries this process made, kept across its leader terms (see ThreadKeeperDeps.posted). */
interface PostedByProcess {
  threads: Map<string, PostRef>;
  lists: Map<string, PostRef>;
  summaries: Set<string>;
  /** What the keepers post through: the leader's notifier behind the per-channel cap (its posts waiting are this process's). */
  notifier: Notifier;
}

/** The notifier comes behind the per-channel cap when one is set: the composition root (main.ts) builds it beside the outbox, for shutdown. */
function postedByProcess(d: Pick<IncidentWatchDeps, 'notifier'>): PostedByProcess {
  return { threads: new Map(), lists: new Map(), summaries: new Set(), notifier: d.notifier };
}

function trackerFor(d: IncidentWatchDeps, posted: PostedByProcess): { tracker: IncidentTracker; keeper: ThreadKeeper; quiet: QuietKeeper } {
  const { keeper, lists, quiet } = incidentKeepers(d, posted);
  const openGauge = new OpenIncidentsGauge(d.metrics, ruleNames);
  const tracker = new IncidentTracker({
    engine: new IncidentEngine(d.thresholds),
    keeper,
    clock: d.clock,
    openGauge,
    lists: { keeper: lists, baselineGapMs: d.thresholds.baselineGapMs, logger: d.logger },
  });
  return { tracker, keeper, quiet };
}

export function incidentWatch(d: IncidentWatchDeps): Runnable {
  // One per process, not per term: a replica that steps down (its websocket stayed down) and
  // leads again goes on with the roots its outbox still holds, instead of resolving in no thread.
  const posted = postedByProcess(d);
  // No `ready`: a leader whose RBAC lacks watch (an older deploy/rbac.yaml) keeps serving commands
  // while the informers retry and log their 403s.
  return {
    name: 'incident watch',
    async start(signal) {
      const index = new InstallationSnapshots();
      const { tracker, keeper, quiet } = trackerFor(d, posted);
      const dirty = new Set<string>();
      let live = false;
      let gather: Timer | undefined;
      /** When the first change of the batch being gathered came. */
      let gatheringSince: number | undefined;
      let expiry: Timer | undefined;
      const snapshotOf = (key: string): InstallationSnapshot => {
        const snapshot = index.snapshot(key);
        const newest = d.lastGoodBackups?.newestGood(snapshot);
        return newest === undefined ? snapshot : { ...snapshot, newestGoodBackup: newest };
      };
      // Everything that changed within the gather is judged as one batch (a burst is one storm post).
      const judge = (): void => {
        gather = undefined;
        gatheringSince = undefined;
        const keys = [...dirty];
        dirty.clear();
        const gone = keys.filter((key) => !index.has(key)).map((key) => ({ namespace: key.split('/')[0] ?? '', name: key.split('/')[1] ?? '' }));
        tracker.observeAll(keys.filter((key) => index.has(key)).map(snapshotOf), gone);
      };
      const touch = (key: string): void => {
        dirty.add(key);
        if (!live) return;
        const now = d.clock.now().getTime();
        gatheringSince ??= now;
        gather?.cancel();
        gather = d.clock.after(Math.max(0, Math.min(d.gatherMs ?? 200, gatheringSince + (d.gatherMaxMs ?? 1_000) - now)), judge);
      };
      // A read of the store is news for the backup rule though no object changed (the backup grew old, or a new one is there).
      const unsubscribe = d.lastGoodBackups?.onRead((i) => {
        const key = `${i.namespace}/${i.name}`;
        if (index.has(key)) touch(key);
      });
      const watches: Watching[] = [];
      for (const [kind, resource, selectors] of watched) {
        for (const namespace of d.namespaces ?? [undefined]) {
          const spec: WatchSpec = { resource, ...(namespace ? { namespace } : {}), ...selectors };
          watches.push(
            d.watch.watch(spec, (event) => {
              const key = index.apply(kind, event);
              if (key) touch(key);
            }),
          );
        }
      }
      try {
        // A watch stopped before its first list rejects `synced`: only when leading ends.
        await Promise.race([Promise.all(watches.map((w) => w.synced)), aborted(signal)]).catch(() => undefined);
        if (!signal.aborted) {
          await tracker.start();
          live = true;
          expiry = d.clock.every(
            30_000,
            () => {
              void keeper.expireMutes().catch((e: unknown) => d.logger.error({ err: (e as Error).message }, 'expired mutes could not be summarised'));
              void quiet.endQuietHours().catch((e: unknown) => d.logger.error({ err: (e as Error).message }, 'ended quiet hours could not be summarised'));
            },
            { background: true },
          );
          for (const key of index.keys()) dirty.add(key);
          judge();
          d.logger.info({ installations: index.keys().length }, 'incident watch: listed, watching');
        }
        await aborted(signal);
      } finally {
        unsubscribe?.();
        gather?.cancel();
        expiry?.cancel();
        await Promise.all(watches.map((w) => w.stop()));
        await tracker.stop();
      }
    },
  };
}
