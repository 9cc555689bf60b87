/**
 * The one wiring of the core: registry, change service, pending confirmations and pipeline, from
 * ports and plain settings. `src/main.ts` calls it with the real adapters, the unit-test harness
 * and the benchmarks with theirs; nothing else builds a pipeline (issue 10, item 2).
 */
import type { ChangePlan } from './change/plan.ts';
import type { ChangeDeps, FinishedChange } from './change/change-deps.ts';
import { LastGoodBackups } from './last-good-backups.ts';
import { createChangeService } from './change/change-service.ts';
import { PendingConfirmations } from './change/confirmations.ts';
import type { CoreSettings } from './core-settings.ts';
import { createPipeline, type Pipeline } from './pipeline.ts';
import type { Policy } from './policy/policy-schema.ts';
import type { AuditLog } from './ports/audit-log.ts';
import type { BackupStore, Backups } from './ports/backup-store.ts';
import type { Clock } from './ports/clock.ts';
import type { ClusterDirectory } from './ports/cluster-gateway.ts';
import type { LockManager } from './ports/lock-manager.ts';
import type { Logger } from './ports/logger.ts';
import type { Metrics } from './ports/metrics.ts';
import type { PendingStore } from './ports/pending-store.ts';
import type { Signer } from './ports/signer.ts';
import type { CronCalendar } from './ports/cron-calendar.ts';
import type { StateStore } from './ports/state-store.ts';
import type { ScheduleHome } from './ports/schedule-deps.ts';
import { createRegistry, type Registry } from './registry.ts';
import { allVerbs } from './verbs/index.ts';
import type { IncidentSettings } from './verb-context.ts';

/** What the core needs from outside, all as ports. */
export interface CorePorts {
  clusters: ClusterDirectory;
  /** Locks and audit live in each cluster: one of each per kubeconfig context. */
  locks: (cluster: string) => LockManager;
  audit: (cluster: string) => AuditLog;
  /** Where plans wait for their confirmation (this process, or the cluster for `serve`). */
  pendingStore: PendingStore<ChangePlan>;
  /** Signs confirmations, buttons and in-flight records alike. */
  signer: Signer;
  clock: Clock;
  logger: Logger;
  /** What the core counts and times (metrics-catalog.ts); `serve` exports it on /metrics. */
  metrics: Metrics;
  policy: Policy;
  /** The store that keeps backups, as the catalog reads it (absent when backups are off). */
  backupStore: BackupStore | undefined;
  /** Where the schedules of digests are kept (the default cluster's state namespace) and how their cron is read. */
  schedules: { store: StateStore; calendar: CronCalendar; home: ScheduleHome; minimumGapMs: number };
  /** Incident routes and mutes, in the default cluster's state namespace. */
  incidents: IncidentSettings;
}

export interface Core {
  registry: Registry;
  clusters: ClusterDirectory;
  pipeline: Pipeline;
  /** What resuming a change left in flight needs (and the chat adapter's signer and policy). */
  changeDeps: ChangeDeps;
  /** Database backups as verbs see them (the digest scheduler reads the last good backup). */
  backups: Backups;
  /** The last good backup time per installation on the metrics (when backups are on); the leader refreshes them all. */
  lastGoodBackups: LastGoodBackups | undefined;
}

/** ChangeDeps are assembled here only, so a change to their fields is one edit. */
function changeDepsFor(ports: CorePorts, settings: CoreSettings, lastGood: LastGoodBackups | undefined): ChangeDeps {
  const { locks, audit, signer, clock, logger, metrics, policy, pendingStore } = ports;
  // A backup that succeeded here shows at once, not at the leader's next refresh (a drill too: one listing, harmless).
  const onFinished = (change: FinishedChange): void => {
    if (!lastGood || change.verb !== 'backup' || change.status !== 'succeeded') return;
    lastGood
      .refresh(change.target)
      .catch((e: unknown) =>
        logger.warn({ installation: `${change.target.namespace}/${change.target.name}`, err: (e as Error).message }, 'the last good backup could not be read'),
      );
  };
  return {
    policy,
    locks,
    audit,
    signer,
    clock,
    logger,
    metrics,
    pending: new PendingConfirmations(signer, pendingStore),
    followTimeoutMs: settings.followTimeoutMs,
    confirmTtlMs: settings.confirmTtlMs,
    lockRenewMs: settings.lockRenewMs,
    onFinished,
  };
}

/** Backups are on when the settings name a bucket and the composition root gave a store to read it. */
function backupsFor(ports: Pick<CorePorts, 'backupStore'>, settings: CoreSettings): Backups {
  if ('off' in settings.backups) return { enabled: false, why: settings.backups.off };
  if (!ports.backupStore) {
    return {
      enabled: false,
      why: 'backups name a bucket but matterops has no key to read its catalog: set MATTEROPS_BACKUP_S3_ACCESS_KEY_ID and MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY',
    };
  }
  return { enabled: true, settings: settings.backups, store: ports.backupStore };
}

export function createCore(ports: CorePorts, settings: CoreSettings): Core {
  const registry = createRegistry(allVerbs);
  const backups = backupsFor(ports, settings);
  const lastGoodBackups = backups.enabled ? new LastGoodBackups(ports.metrics, backups.store) : undefined;
  const changeDeps = changeDepsFor(ports, settings, lastGoodBackups);
  const pipeline = createPipeline({
    registry,
    clusters: ports.clusters,
    logger: ports.logger,
    clock: ports.clock,
    version: settings.version,
    defaultNamespace: settings.defaultNamespace,
    logLimits: settings.logLimits,
    policy: ports.policy,
    changes: createChangeService(changeDeps),
    audit: ports.audit,
    metrics: ports.metrics,
    backups,
    schedules: { ...ports.schedules, audit: ports.audit, logger: ports.logger },
    incidents: ports.incidents,
  });
  return { registry, clusters: ports.clusters, pipeline, changeDeps, backups, lastGoodBackups };
}
