/**
 * The whole pipeline on fakes (gateway, locks, audit) with a fixed clock, built by the same
 * createCore as src/main.ts: what unit tests run commands through, as any caller, with any policy.
 */
import { createHmacSigner } from '../../src/adapters/crypto/hmac-signer.ts';
import { MemoryPendingStore } from '../../src/core/ports/pending-store.ts';
import { renderTerminal } from '../../src/adapters/terminal/render-terminal.ts';
import type { RunOptions } from '../../src/core/run-options.ts';
import { createCore, type Core, type CorePorts } from '../../src/core/create-core.ts';
import type { CoreSettings } from '../../src/core/core-settings.ts';
import type { Outcome, Pipeline } from '../../src/core/pipeline.ts';
import { PolicySchema, type Policy } from '../../src/core/policy/policy-schema.ts';
import { handMovedClock } from './hand-moved-clock.ts';
import type { LockHolder } from '../../src/core/ports/lock-manager.ts';
import { silentLogger, type Logger } from '../../src/core/ports/logger.ts';
import type { Metrics } from '../../src/core/ports/metrics.ts';
import type { StateStore } from '../../src/core/ports/state-store.ts';
import type { BackupSettings } from '../../src/core/model/backup-settings.ts';
import type { BackupStore } from '../../src/core/ports/backup-store.ts';
import type { Caller } from '../../src/core/model/caller.ts';
import { FakeAuditLog } from '../fakes/fake-audit-log.ts';
import { FakeClusterGateway, fakeDirectory } from '../fakes/fake-cluster-gateway.ts';
import { FakeLockManager } from '../fakes/fake-lock-manager.ts';
import { FakeMetrics } from '../fakes/fake-metrics.ts';
import { FakeStateStore } from '../fakes/fake-state-store.ts';
import { cronerCalendar } from '../../src/adapters/cron/croner-calendar.ts';

export const fixedNow = new Date('2026-11-27T09:00:00Z');
export const minutesAgo = (m: number): Date => new Date(fixedNow.getTime() - m * 60_000);

export const alice: Caller = { id: 'terminal:alice', name: 'alice', via: 'terminal' };
export const chatUser = (name: string, channel = 'ops'): Caller => ({ id: `mm-${name}`, name: `@${name}`, via: 'mattermost', team: 'ops', channel });

/** Terminal users may do everything (max 20 replicas, scale to 0 allowed), like the sandbox policy. */
export const openPolicy: Policy = PolicySchema.parse({
  roles: { admin: { verbs: ['*'], limits: { maxReplicas: 20, minReplicas: 0 } } },
  bindings: [{ role: 'admin', subjects: [{ terminal: '*' }] }],
});

/** Schedules kept in `store`, as in the sandbox's state namespace. */
const schedulesIn = (store: StateStore): CorePorts['schedules'] => ({
  store,
  calendar: cronerCalendar,
  minimumGapMs: 15 * 60_000,
  home: { cluster: 'sandbox-bot', namespace: 'matterops', configMap: 'matterops-schedules' },
});

/**
 * The core as createCore builds it (as src/main.ts does), on fakes: every port and setting the
 * harness uses unless `ports` or `settings` say otherwise. For tests that call a part of the core
 * directly (`resumeInFlight(core.changeDeps, ...)`), so they get every field ChangeDeps has.
 */
export function coreOnFakes(ports: Partial<CorePorts> = {}, settings: Partial<CoreSettings> = {}): Core {
  const clock = ports.clock ?? handMovedClock(fixedNow);
  const locks = new FakeLockManager(clock, 30);
  const audit = new FakeAuditLog();
  const state = new FakeStateStore();
  return createCore(
    {
      clusters: fakeDirectory(new FakeClusterGateway('sandbox-bot', 'https://127.0.0.1:6443'), new FakeClusterGateway('staging-cluster')),
      locks: () => locks,
      audit: () => audit,
      pendingStore: new MemoryPendingStore(),
      signer: createHmacSigner('unit-test-signing-key'),
      logger: silentLogger,
      metrics: new FakeMetrics(),
      policy: openPolicy,
      backupStore: undefined,
      schedules: schedulesIn(state),
      incidents: { store: state, defaultChannel: undefined, cluster: 'sandbox-bot' },
      ...ports,
      clock,
    },
    {
      defaultNamespace: 'chat',
      logLimits: { maxLogLines: 1000, maxLogChars: 12_000 },
      followTimeoutMs: 2_000,
      confirmTtlMs: 5 * 60_000,
      lockRenewMs: 10_000,
      version: '0.1.0',
      backups: { off: 'backups are not set up here' },
      ...settings,
    },
  );
}

export interface HarnessOptions {
  defaultNamespace?: string;
  limits?: { maxLogLines: number; maxLogChars: number };
  policy?: Policy;
  followTimeoutMs?: number;
  /** How often held locks are renewed (real timers). */
  lockRenewMs?: number;
  /** Where the core records its metrics instead of the harness's fake (an adapter under test). */
  metrics?: Metrics;
  /** Backups on, with these settings and this store. */
  backups?: { settings: BackupSettings; store: BackupStore };
  /** The state store schedules, incident routes and mutes are kept in (two harnesses on one backend: two replicas). */
  state?: FakeStateStore;
  /** The configured default incident channel. */
  incidentChannel?: string;
}

export interface Harness {
  gateway: FakeClusterGateway;
  /** The directory's second cluster, `staging-cluster`. */
  other: FakeClusterGateway;
  locks: FakeLockManager;
  audit: FakeAuditLog;
  /** What the core recorded (unless `options.metrics` took its place). */
  metrics: FakeMetrics;
  /** Where schedules, incident routes and mutes are kept (the state namespace `matterops` of the default cluster). */
  state: FakeStateStore;
  logged: { fields: Record<string, unknown>; message: string }[];
  clock: { now: () => Date; advance(ms: number): void };
  /** The pipeline itself, for adapters under test. */
  pipeline: Pipeline;
  run(input: string, as?: Caller, options?: RunOptions): Promise<Outcome & { text: string }>;
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const gateway = new FakeClusterGateway('sandbox-bot', 'https://127.0.0.1:6443');
  const other = new FakeClusterGateway('staging-cluster');
  // "now" is fixed and moved by hand; timers are still real (follow polls, lock renewals).
  const clock = handMovedClock(fixedNow);
  const logged: Harness['logged'] = [];
  const record = (fields: Record<string, unknown>, message: string): void => {
    logged.push({ fields, message });
  };
  const logger: Logger = { info: record, warn: record, error: record };
  const locks = new FakeLockManager(clock, 30);
  const audit = new FakeAuditLog();
  const metrics = new FakeMetrics();
  const state = options.state ?? new FakeStateStore();
  const { pipeline } = coreOnFakes(
    {
      clusters: fakeDirectory(gateway, other),
      locks: () => locks,
      audit: () => audit,
      clock,
      logger,
      metrics: options.metrics ?? metrics,
      ...(options.policy ? { policy: options.policy } : {}),
      backupStore: options.backups?.store,
      schedules: schedulesIn(state),
      incidents: { store: state, defaultChannel: options.incidentChannel, cluster: 'sandbox-bot' },
    },
    {
      ...(options.defaultNamespace !== undefined ? { defaultNamespace: options.defaultNamespace } : {}),
      ...(options.limits !== undefined ? { logLimits: options.limits } : {}),
      ...(options.followTimeoutMs !== undefined ? { followTimeoutMs: options.followTimeoutMs } : {}),
      ...(options.lockRenewMs !== undefined ? { lockRenewMs: options.lockRenewMs } : {}),
      ...(options.backups ? { backups: options.backups.settings } : {}),
    },
  );
  return {
    gateway,
    other,
    locks,
    audit,
    metrics,
    state,
    logged,
    clock,
    pipeline,
    async run(input, as = alice, runOptions = {}) {
      const outcome = await pipeline.run(input, as, runOptions);
      return { ...outcome, text: renderTerminal(outcome.reply, { color: false }) };
    },
  };
}

/** Another change holding chat/mattermost on the harness's cluster (its record as the pipeline writes one). */
export function otherHolder(verb: string, requester: string, startedAt: Date): LockHolder {
  return {
    operationId: 'feedbeef',
    verb,
    requester,
    startedAt,
    record: {
      operationId: 'feedbeef',
      verb,
      requester,
      via: 'terminal',
      cluster: 'sandbox-bot',
      namespace: 'chat',
      name: 'mattermost',
      steps: [{ kind: 'wait', until: 'stable', namespace: 'chat', name: 'mattermost', generation: 3 }],
      step: 0,
      summary: '',
      startedAt: '',
      deadline: '',
    },
  };
}
