/**
 * The composition root: the one place that chooses adapters and wires them into the core.
 * Tests and benchmarks pass their own clusters, state ports, clock or logger through `overrides`.
 */
import { readFileSync } from 'node:fs';
import { createHmacSigner } from './adapters/crypto/hmac-signer.ts';
import { createEventAuditLog } from './adapters/kubernetes/event-audit-log.ts';
import { createConfigMapPendingStore } from './adapters/kubernetes/configmap-pending-store.ts';
import { createConfigMapStateStore } from './adapters/kubernetes/configmap-state-store.ts';
import { createKubeDirectory } from './adapters/kubernetes/kube-directory.ts';
import { startLeaderElection, type LeaderElection, type LeaderElectionOptions } from './adapters/kubernetes/leader-election.ts';
import { createLeaseLockManager } from './adapters/kubernetes/lease-lock-manager.ts';
import { createPinoLogger } from './adapters/logging/pino-logger.ts';
import type { ChatStateStore } from './adapters/mattermost/chat-state.ts';
import type { Config } from './config/config-schema.ts';
import { loadPolicy } from './config/load-policy.ts';
import type { ChangeDeps } from './core/change/change-deps.ts';
import { createChangeService } from './core/change/change-service.ts';
import { PendingConfirmations } from './core/change/confirmations.ts';
import { createPipeline, type Pipeline } from './core/pipeline.ts';
import type { Policy } from './core/policy/policy-schema.ts';
import type { AuditLog } from './core/ports/audit-log.ts';
import { systemClock, type Clock } from './core/ports/clock.ts';
import type { ClusterDirectory } from './core/ports/cluster-gateway.ts';
import type { LockManager } from './core/ports/lock-manager.ts';
import type { Logger } from './core/ports/logger.ts';
import { MemoryPendingStore, type PendingStore } from './core/ports/pending-store.ts';
import type { Signer } from './core/ports/signer.ts';
import { createRegistry, type Registry } from './core/registry.ts';
import { parseDuration } from './core/text/duration.ts';
import { allVerbs } from './core/verbs/index.ts';

export interface App {
  config: Config;
  registry: Registry;
  clusters: ClusterDirectory;
  pipeline: Pipeline;
  logger: Logger;
  changeDeps: ChangeDeps;
  /** Where `serve` keeps the last handled chat post per channel (absent when tests wire their own clusters). */
  chatState?: ChatStateStore;
  /** Leader election among `serve` replicas, on a Lease in the state namespace (absent likewise). */
  elect?: (options: Omit<LeaderElectionOptions, 'namespace' | 'durationSeconds'>) => LeaderElection;
}

export interface AppOverrides {
  clusters?: ClusterDirectory;
  locks?: (cluster: string) => LockManager;
  audit?: (cluster: string) => AuditLog;
  chatState?: ChatStateStore;
  /**
   * Keep plans waiting for confirmation in the cluster (`serve`: a restarted bot or another replica
   * can confirm them) rather than in this process (the terminal). Ignored when tests bring their
   * own clusters.
   */
  pendingInCluster?: boolean;
  pendingStore?: PendingStore;
  policy?: Policy;
  signer?: Signer;
  clock?: Clock;
  logger?: Logger;
}

/** The version in package.json (src/ and dist/ both sit one level below it). */
export const matteropsVersion: string =
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** One instance per key, made on first use. */
function memo<T>(make: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => cache.get(key) ?? cache.set(key, make(key)).get(key)!;
}

/** How a cluster-kept pending store is made, once the signing key and logger are known. */
type PendingInCluster = (signingKey: Uint8Array, logger: Logger) => PendingStore;
type KubeState = Required<Pick<AppOverrides, 'clusters' | 'locks' | 'audit' | 'chatState'>> & Required<Pick<App, 'elect'>> & { pendingInCluster: PendingInCluster };

/** What the lock Leases need besides the kubeconfig: a clock to judge expiry, the key that signs in-flight records, a log for skipped ones. */
interface LockPorts { clock: Clock; signer: Signer; logger: Logger }

function kubeState(config: Config, ports: LockPorts): KubeState {
  // Only the configured contexts are exposed (default: the default one), never the whole kubeconfig.
  const directory = createKubeDirectory({
    ...(config.kubernetes.kubeconfig ? { kubeconfig: config.kubernetes.kubeconfig } : {}),
    ...(config.kubernetes.defaultContext ? { defaultContext: config.kubernetes.defaultContext } : {}),
    ...(config.kubernetes.contexts ? { contexts: config.kubernetes.contexts } : {}),
    requestTimeoutMs: config.kubernetes.requestTimeoutSeconds * 1000,
  });
  const home = directory.kubeConfigFor(directory.defaultContext);
  return {
    clusters: directory,
    // Every cluster keeps its locks in its own state namespace (deploy/rbac.yaml grants Leases there only).
    locks: memo((c) => createLeaseLockManager(directory.kubeConfigFor(c), c, { ...ports, namespace: config.stateNamespace, durationSeconds: config.changes.lockSeconds })),
    audit: memo((c) => createEventAuditLog(directory.kubeConfigFor(c), c)),
    chatState: createConfigMapStateStore(home, config.stateNamespace),
    pendingInCluster: (signingKey, logger) => createConfigMapPendingStore(home, { namespace: config.stateNamespace, signingKey, logger }),
    elect: (options) => startLeaderElection(home, { ...options, namespace: config.stateNamespace, durationSeconds: config.leaderSeconds }),
  };
}

interface ChangeBase extends Pick<ChangeDeps, 'locks' | 'audit' | 'clock' | 'logger' | 'signer'> { pendingStore: PendingStore }

function changeDepsFor(config: Config, overrides: AppOverrides, base: ChangeBase): ChangeDeps {
  const { pendingStore, ...ports } = base;
  const { signer } = ports;
  return {
    ...ports, policy: overrides.policy ?? loadPolicy(config.policyFile), signer, pending: new PendingConfirmations(signer, pendingStore),
    followTimeoutMs: parseDuration(config.changes.followTimeout, 'changes.followTimeout'),
    confirmTtlMs: config.changes.confirmMinutes * 60_000,
    lockRenewMs: Math.max(500, (config.changes.lockSeconds * 1000) / 3),
  };
}

/** Tests and benchmarks that bring their own clusters, locks and audit get no kubeconfig read. */
function kubeOrOverrides(config: Config, o: AppOverrides, ports: LockPorts): Pick<AppOverrides, 'chatState'> & Pick<App, 'elect'> & Required<Pick<AppOverrides, 'clusters' | 'locks' | 'audit'>> & { pendingInCluster?: PendingInCluster } {
  if (o.clusters && o.locks && o.audit) return { clusters: o.clusters, locks: o.locks, audit: o.audit, ...(o.chatState ? { chatState: o.chatState } : {}) };
  return kubeState(config, ports);
}

export function createApp(config: Config, overrides: AppOverrides = {}): App {
  const registry = createRegistry(allVerbs);
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createPinoLogger(config.logLevel);
  // Without a configured key, a random one: confirmations then live and die with this process.
  const signingKey = config.signingKey ? Buffer.from(config.signingKey) : crypto.getRandomValues(Buffer.alloc(32));
  // One signer for confirmations, buttons and the in-flight records on lock Leases.
  const signer = overrides.signer ?? createHmacSigner(signingKey);
  const kube = kubeOrOverrides(config, overrides, { clock, logger, signer });
  const pendingStore = overrides.pendingStore
    ?? (overrides.pendingInCluster && kube.pendingInCluster ? kube.pendingInCluster(signingKey, logger) : new MemoryPendingStore());
  const changeDeps = changeDepsFor(config, overrides, { locks: kube.locks, audit: kube.audit, clock, logger, signer, pendingStore });
  const pipeline = createPipeline({
    registry, clusters: kube.clusters, logger, clock, version: matteropsVersion,
    defaultNamespace: config.defaults.namespace,
    limits: { maxLogLines: config.limits.maxLogLines, maxLogChars: config.limits.maxReplyChars },
    policy: changeDeps.policy, changes: createChangeService(changeDeps), audit: changeDeps.audit,
  });
  return { config, registry, clusters: kube.clusters, pipeline, logger, changeDeps,
    ...(kube.chatState ? { chatState: kube.chatState } : {}), ...(kube.elect ? { elect: kube.elect } : {}) };
}
