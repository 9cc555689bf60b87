/**
 * The composition root: the one place that chooses adapters. It builds them from the configuration
 * and hands them, as ports, to `createCore` (src/core/create-core.ts), the one wiring of the core
 * that the unit-test harness and the benchmarks share. `createApp` is what the terminal runs;
 * `createServeApp` adds what `matterops serve` needs: plans kept in the cluster, leader election,
 * and the list of what only the leader runs (`leaderRunnables`: a new leader-only duty is one
 * file in src/leader/ and one line in that list); `wireBot` its Mattermost side, which serve.ts runs.
 */
import { createS3BackupStore } from './adapters/s3/s3-backup-store.ts';
import { createS3Client } from './adapters/s3/s3-client.ts';
import type { BackupStore } from './core/ports/backup-store.ts';
import type { ChangePlan } from './core/change/plan.ts';
import { readFileSync } from 'node:fs';
import { createHmacSigner } from './adapters/crypto/hmac-signer.ts';
import { createEventAuditLog } from './adapters/kubernetes/event-audit-log.ts';
import { createConfigMapPendingStore } from './adapters/kubernetes/configmap-pending-store.ts';
import { configMapPlace, createConfigMapStateStore } from './adapters/kubernetes/configmap-state-store.ts';
import { cronerCalendar } from './adapters/cron/croner-calendar.ts';
import { schedulesDocument } from './core/schedule/schedules-document.ts';
import type { StateStore } from './core/ports/state-store.ts';
import { createKubeDirectory, type KubeDirectory, type KubeDirectoryOptions } from './adapters/kubernetes/kube-directory.ts';
import { cachedWarnings } from './adapters/kubernetes/cached-warnings-gateway.ts';
import { startLeaderElection } from './adapters/kubernetes/leader-election.ts';
import { createLeaseLockManager } from './adapters/kubernetes/lease-lock-manager.ts';
import { createPinoLogger } from './adapters/logging/pino-logger.ts';
import { createPromMetrics } from './adapters/metrics/prom-metrics.ts';
import type { Config } from './config/config-schema.ts';
import { loadPolicy } from './config/load-policy.ts';
import type { CoreSettings } from './core/core-settings.ts';
import { createCore, type CorePorts } from './core/create-core.ts';
import { metricsCatalog } from './core/metrics-catalog.ts';
import { systemClock } from './core/ports/clock.ts';
import type { Logger } from './core/ports/logger.ts';
import { noMetrics, type Metrics } from './core/ports/metrics.ts';
import { MemoryPendingStore, type PendingStore } from './core/ports/pending-store.ts';
import { parseDuration } from './core/text/duration.ts';
import { createKubeClusterWatch } from './adapters/kubernetes/cluster-watch.ts';
import { incidentThresholds } from './config/incident-thresholds.ts';
import type { Thresholds } from './core/incidents/thresholds.ts';
import { createChangeNote, type ChangeNote } from './core/incidents/change-note.ts';
import { createLogTails } from './core/incidents/log-tail.ts';
import { incidentWatch } from './leader/incident-watch.ts';
import { ChannelRate } from './core/incidents/channel-rate.ts';
import { leftoverSweep } from './leader/leftover-sweep.ts';
import { mentionListenerRunnable } from './leader/mention-listener-runnable.ts';
import { digestScheduler } from './leader/digest-scheduler.ts';
import { lastGoodBackupsRefresh } from './leader/last-good-backups-refresh.ts';
import { channelIdFinder } from './adapters/mattermost/channel-by-name.ts';
import { alertThreadsDuty, type AlertThreadsDuty } from './leader/alert-threads-runnable.ts';
import { channelByLabel } from './adapters/mattermost/channel-by-label.ts';
import { receiveAlerts } from './core/incidents/alertmanager/receive-alerts.ts';
import { channelFor, routesDocument } from './core/incidents/routes.ts';
import { statusReply } from './core/verbs/status.ts';
import { activeUserFinder } from './adapters/mattermost/active-user.ts';
import { bindsGroups, createChatIdentity } from './adapters/mattermost/chat-identity.ts';
import { createChatResponder } from './adapters/mattermost/chat-responder.ts';
import { memberChannelFinder } from './adapters/mattermost/member-channel.ts';
import { MattermostApi } from './adapters/mattermost/mattermost-api.ts';
import type { Mention } from './adapters/mattermost/mention-listener.ts';
import { createMattermostNotifier } from './adapters/mattermost/mattermost-notifier.ts';
import { createPluginPresence } from './adapters/mattermost/plugin-presence.ts';
import { commandButtons } from './adapters/mattermost/undo-button.ts';
import { ServerPacer } from './adapters/mattermost/server-pacer.ts';
import { MatteropsError } from './core/errors.ts';
import { chatOutboxDepth, chatRateLimitedTotal } from './core/metrics-catalog.ts';
import type { App, ServeApp, WiredBot } from './app.ts';
import type { LeaderContext } from './leader/leader-context.ts';
import { deliveredId } from './core/ports/notifier.ts';

/** What tests and benchmarks may choose: only where the log goes (a quiet or a recording one). */
export interface AppOptions {
  logger?: Logger;
}

/** The version in package.json (src/ and dist/ both sit one level below it). */
export const matteropsVersion: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** One instance per key, made on first use. */
function memo<T>(make: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => cache.get(key) ?? cache.set(key, make(key)).get(key)!;
}

/** The core's plain settings, from the configuration. */
export function coreSettings(config: Config): CoreSettings {
  return {
    defaultNamespace: config.defaults.namespace,
    logLimits: { maxLogLines: config.limits.maxLogLines, maxLogChars: config.limits.maxReplyChars },
    followTimeoutMs: parseDuration(config.changes.followTimeout, 'changes.followTimeout'),
    confirmTtlMs: config.changes.confirmMinutes * 60_000,
    lockRenewMs: Math.max(500, (config.changes.lockSeconds * 1000) / 3),
    version: matteropsVersion,
    backups: backupSettings(config),
  };
}

/** The bot's read view of the backup store: with its own key, never the runner pods' (docs/backups.md). */
function catalogStore(config: Config, logger: Logger): BackupStore | undefined {
  const { s3 } = config.backups;
  if (!s3.bucket || !s3.accessKeyId || !s3.secretAccessKey) return undefined;
  const settings = {
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: s3.bucket,
    prefix: s3.prefix,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  };
  return createS3BackupStore(createS3Client(settings), settings, logger);
}

/** Backups are on once a bucket is named (docs/backups.md). */
export function backupSettings(config: Config): CoreSettings['backups'] {
  const b = config.backups;
  if (!b.s3.bucket) return { off: 'backups are not set up here: name a bucket with MATTEROPS_BACKUP_S3_BUCKET (docs/backups.md)' };
  return {
    store: { endpoint: b.s3.endpoint, bucket: b.s3.bucket, region: b.s3.region, prefix: b.s3.prefix },
    storeSecret: b.storeSecret,
    adminSecret: b.adminSecret,
    runnerImage: b.runnerImage ?? `matterops:${matteropsVersion}`,
    serviceAccount: b.serviceAccount,
    retention: {
      ...(b.keepLast !== undefined ? { keepLast: b.keepLast } : {}),
      ...(b.keepDaily !== undefined ? { keepDaily: b.keepDaily } : {}),
      ...(b.keepWeekly !== undefined ? { keepWeekly: b.keepWeekly } : {}),
      ...(b.keepMonthly !== undefined ? { keepMonthly: b.keepMonthly } : {}),
    },
    jobTtlSeconds: b.jobTtlSeconds,
  };
}

/** The ports every app shares, and what the cluster-kept ones of `serve` are made from. */
interface Base {
  ports: Omit<CorePorts, 'pendingStore' | 'metrics'>;
  directory: KubeDirectory;
  signingKey: Uint8Array;
  /** The default cluster's state namespace documents (docs/state.md): one store, for every duty that keeps any. */
  stateStore: StateStore;
}

function base(config: Config, options: AppOptions, decorate?: KubeDirectoryOptions['decorate']): Base {
  const clock = systemClock;
  const logger = options.logger ?? createPinoLogger(config.logLevel);
  // Without a configured key, a random one: confirmations then live and die with this process.
  const signingKey = config.signingKey ? Buffer.from(config.signingKey) : crypto.getRandomValues(Buffer.alloc(32));
  // One signer for confirmations, buttons and the in-flight records on lock Leases.
  const signer = createHmacSigner(signingKey);
  // Only the configured contexts are exposed (default: the default one), never the whole kubeconfig.
  const directory = createKubeDirectory({
    ...(config.kubernetes.kubeconfig ? { kubeconfig: config.kubernetes.kubeconfig } : {}),
    ...(config.kubernetes.defaultContext ? { defaultContext: config.kubernetes.defaultContext } : {}),
    ...(config.kubernetes.contexts ? { contexts: config.kubernetes.contexts } : {}),
    requestTimeoutMs: config.kubernetes.requestTimeoutSeconds * 1000,
    watch: { clock, logger },
    ...(decorate ? { decorate } : {}),
  });
  const lockPorts = { clock, signer, logger, namespace: config.stateNamespace, durationSeconds: config.changes.lockSeconds };
  const stateStore = createConfigMapStateStore(directory.kubeConfigFor(directory.defaultContext), config.stateNamespace, logger);
  // Schedules live with the rest of the state, in the default cluster, whether the terminal or serve changes them.
  const scheduleHome = { cluster: directory.defaultContext, namespace: config.stateNamespace, configMap: configMapPlace(schedulesDocument.name).configMap };
  return {
    directory,
    signingKey,
    stateStore,
    ports: {
      clusters: directory,
      clock,
      logger,
      signer,
      policy: loadPolicy(config.policyFile),
      // Every cluster keeps its locks in its own state namespace (deploy/rbac.yaml grants Leases there only).
      locks: memo((c) => createLeaseLockManager(directory.kubeConfigFor(c), c, lockPorts)),
      audit: memo((c) => createEventAuditLog(directory.kubeConfigFor(c), c, signer)),
      backupStore: catalogStore(config, logger),
      schedules: { store: stateStore, calendar: cronerCalendar, home: scheduleHome, minimumGapMs: config.schedules.minimumGapSeconds * 1000 },
      incidents: { store: stateStore, defaultChannel: config.incidents.channel, cluster: directory.defaultContext },
    },
  };
}

/** The terminal's ports: plans wait for their confirmation in this process; nothing scrapes its metrics. */
export function terminalPorts(config: Config, options: AppOptions = {}): CorePorts {
  return { ...base(config, options).ports, pendingStore: new MemoryPendingStore(), metrics: noMetrics };
}

export function createApp(config: Config, options: AppOptions = {}): App {
  const ports = terminalPorts(config, options);
  return { config, clock: ports.clock, logger: ports.logger, ...createCore(ports, coreSettings(config)) };
}

/**
 * `serve` keeps plans waiting for confirmation in the cluster, so a restarted bot or another
 * replica can confirm them; its chat state and leader Lease live in the default cluster's state namespace.
 */
export function createServeApp(config: Config, options: AppOptions = {}): ServeApp {
  // Every replica answers `status`: each keeps the warnings of the namespaces the incident watch
  // watches, per cluster, from the first command on it (docs/watching.md).
  const warnings = cachedWarnings({ namespaces: config.incidents.namespaces, clock: systemClock });
  const { ports, directory, signingKey, stateStore } = base(config, options, warnings.decorate);
  const home = directory.kubeConfigFor(directory.defaultContext);
  const pendingStore: PendingStore<ChangePlan> = createConfigMapPendingStore(home, { namespace: config.stateNamespace, signingKey, logger: ports.logger });
  const metrics = createPromMetrics(metricsCatalog, { processMetrics: true });
  const app: App = { config, clock: ports.clock, logger: ports.logger, ...createCore({ ...ports, pendingStore, metrics }, coreSettings(config)) };
  const { clock, logger } = app;
  // One change note for both kinds of incident: changes are audited in the cluster that is watched.
  const note = createChangeNote({
    audit: ports.audit(directory.defaultContext),
    cluster: directory.defaultContext,
    windowMs: incidentThresholds(config.incidents).changeWindowMs,
    logger: ports.logger,
  });
  const alerts = config.alertmanager.token ? alertmanagerDuty(app, { store: stateStore, metrics, note }, config.alertmanager.token) : undefined;
  return {
    ...app,
    metrics,
    alertmanager: alerts && { token: alerts.token, receive: alerts.receive, logger },
    stopWatches: warnings.stop,
    elect: (o) => startLeaderElection(home, { ...o, namespace: config.stateNamespace, durationSeconds: config.leaderSeconds }),
    // The leader-only duties. A new one is a file in src/leader/ and a line here.
    leaderRunnables: (chat) => [
      mentionListenerRunnable({ chat, chatState: stateStore, clock, logger, deafAfterMs: config.leaderSeconds * 1000, metrics }),
      leftoverSweep({ changeDeps: app.changeDeps, clusters: app.clusters, notifier: chat.notifier, clock, logger, lockSeconds: config.changes.lockSeconds }),
      ...(config.incidents.enabled
        ? [
            incidentWatch({
              ...incidentWatchSettings(config),
              watch: createKubeClusterWatch(home, { clock, logger }),
              store: stateStore,
              notifier: chat.incidentNotifier,
              clock,
              logger,
              metrics,
              lastGoodBackups: app.lastGoodBackups,
              note,
              // Read as the bot from the watched cluster: the leader's own right (pods/log), not a chat user's.
              ...(config.incidents.logTail
                ? {
                    logTails: createLogTails({
                      logs: { readLog: (namespace, request) => app.clusters.get(app.clusters.defaultContext)!.readLog(namespace, request) },
                      clock,
                      logger,
                    }),
                  }
                : {}),
            }),
          ]
        : []),
      ...(alerts ? [alerts.duty.runnable(chat)] : []),
      ...(app.lastGoodBackups
        ? [
            lastGoodBackupsRefresh({
              lastGood: app.lastGoodBackups,
              installations: () => app.clusters.get(app.clusters.defaultContext)!.listInstallations(),
              clock,
              logger,
              everyMs: lastGoodBackupsRefreshMs,
            }),
          ]
        : []),
      digestScheduler({
        ...ports.schedules,
        clock,
        logger,
        notifier: chat.notifier,
        clusters: app.clusters,
        policy: ports.policy,
        audit: ports.audit,
        backups: app.backups,
        incidents: ports.incidents,
        channelId: channelIdFinder(chat.api, config.mattermost.team),
        runInChannel: chat.runInChannel,
        activeUser: chat.activeUser,
        claimId: () => `${process.pid}-${crypto.randomUUID().slice(0, 8)}`,
        pollMs: config.schedules.pollSeconds * 1000,
      }),
    ],
  };
}

/**
 * How often the leader reads every installation's newest complete backup for the metrics: slow,
 * as a backup that succeeds shows at once on the replica that ran it (core/last-good-backups.ts).
 */
const lastGoodBackupsRefreshMs = 5 * 60_000;

/** The incident watch's plain settings, from the configuration (docs/incidents.md). */
function incidentWatchSettings(config: Config): { thresholds: Thresholds; defaultChannel: string | undefined; namespaces: string[] | undefined } {
  return { thresholds: incidentThresholds(config.incidents), defaultChannel: config.incidents.channel, namespaces: config.incidents.namespaces };
}

/**
 * Alertmanager's groups as incident threads (docs/incidents.md): every replica saves a delivery in
 * the state namespace, the leader posts it, in the channel its routing label names, else where the
 * installation it is about is routed. That installation and its status are read in the default
 * cluster, as the bot.
 */
function alertmanagerDuty(app: App, parts: { store: StateStore; metrics: Metrics; note: ChangeNote }, token: string) {
  const { store, metrics, note } = parts;
  const { config, clock, logger } = app;
  const gateway = app.clusters.get(app.clusters.defaultContext)!;
  const coolDownMs = incidentThresholds(config.incidents).coolDownMs;
  const duty: AlertThreadsDuty = alertThreadsDuty({
    store,
    clock,
    logger,
    metrics,
    coolDownMs,
    note,
    route: (chat) => {
      const byLabel = channelByLabel(chat.api, config.mattermost.team, logger);
      // The group's label first, else where its installation's incidents go (docs/incidents.md, Routing).
      return async (incident) => {
        const label = incident.alertGroup?.channel;
        const labelled = label ? await byLabel(label) : undefined;
        return labelled ?? channelFor((await store.read(routesDocument)).value, incident.installation, config.incidents.channel);
      };
    },
    statusOf: async ({ namespace, name }) => {
      const installation = await gateway.getInstallation(namespace, name);
      if (!installation) throw new Error(`no installation ${namespace}/${name}`);
      return statusReply({ gateway, backups: app.backups, clock }, installation);
    },
  });
  const receive = (payload: Parameters<typeof receiveAlerts>[1]): Promise<void> =>
    receiveAlerts(
      {
        store,
        clock,
        installationsIn: (namespace) =>
          gateway.listInstallations(namespace).catch((e: unknown) => {
            logger.warn({ namespace, err: (e as Error).message }, 'the installations an alert names could not be listed');
            return [];
          }),
        channelLabel: config.alertmanager.channelLabel,
        coolDownMs,
        onSaved: () => duty.nudge(),
      },
      payload,
    );
  return { token, receive, duty };
}

function required(value: string | undefined, what: string): string {
  if (!value)
    throw new MatteropsError(
      'invalid',
      `matterops serve needs ${what}`,
      'run matterops register first and use the environment it prints (or source .sandbox/env)',
    );
  return value;
}

/**
 * serve's Mattermost side: the REST client paced by the server's answers, the notifier and its
 * outbox, who callers are, how a slash command, a button or a mention is answered, and what the
 * leader's runnables get of it. Asks Mattermost who the bot is, so it fails early on a bad token.
 */
export async function wireBot(app: ServeApp): Promise<WiredBot> {
  const { config, logger, metrics } = app;
  const clock = app.changeDeps.clock;
  const url = required(config.mattermost.url, 'MM_URL');
  const botToken = required(config.mattermost.botToken, 'MM_BOT_TOKEN');
  // Every answer of every call feeds the pacer, so the outbox sends as fast as the server allows.
  const pacer = new ServerPacer({ clock, ...(config.mattermost.postsPerSecond ? { ceilingPerSecond: config.mattermost.postsPerSecond } : {}) });
  const api = new MattermostApi(url, botToken, {
    onAnswer: (answer) => pacer.answered(answer),
    clock,
  });
  const slashTokens = required(config.mattermost.slashTokens, 'MM_SLASH_TOKEN')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const me = await api.me();
  const [host = '127.0.0.1', port = '8080'] = config.http.listen.split(':');
  const publicUrl = (config.http.publicUrl ?? `http://${config.http.listen}`).replace(/\/$/, '');
  // An incident root's Undo button signs its command with the same key as a plan's Confirm.
  const buttons = commandButtons({ signer: app.changeDeps.signer, publicUrl, clock });
  // Cards for the companion plugin only while it is active (docs/mattermost.md, "The companion plugin").
  const plugin = createPluginPresence({
    activeWebappPlugins: () => api.webappPlugins(),
    clock,
    logger,
    intervalMs: config.mattermost.pluginCheckSeconds * 1000,
  });
  await plugin.start();
  const notifier = createMattermostNotifier({ api, clock, logger, userId: me.id, pacer, commandButtons: buttons, cards: () => plugin.active() });
  metrics.sample(chatRateLimitedTotal, () => notifier.rateLimited);
  // Incident posts wait behind the per-channel cap here, beside the outbox, not in the leader's
  // runnable: serve's shutdown hands them to the outbox, and the outbox depth counts them.
  const perMinute = incidentThresholds(config.incidents).channelRatePerMinute;
  const incidentPosts = config.incidents.enabled && perMinute > 0 ? new ChannelRate({ notifier, clock, perMinute }) : undefined;
  metrics.sample(chatOutboxDepth, () => (incidentPosts ?? notifier).depth);
  const responder = createChatResponder({
    pipeline: app.pipeline,
    notifier,
    signer: app.changeDeps.signer,
    publicUrl,
    logger,
    memberChannel: memberChannelFinder(api, config.mattermost.team),
  });
  const identity = createChatIdentity(api, { groups: bindsGroups(app.changeDeps.policy.bindings), logger });
  // Mentions are answered in a thread: the post's own, or the one it belongs to.
  const onMention = (m: Mention): void => {
    identity
      .callerFor(m.post.user_id, m.post.channel_id)
      .then((caller) => {
        responder.respond({ caller, target: { channelId: m.post.channel_id, rootId: m.post.root_id || m.post.id }, text: m.text || 'help' }, false);
      })
      .catch((e: unknown) => logger.error({ post: m.post.id, err: (e as Error).message }, 'could not answer a mention'));
  };
  // A scheduled drill is answered in its root post's thread as a command typed there would be.
  const runInChannel: LeaderContext['runInChannel'] = async (root, command, caller) => {
    const rootId = await deliveredId(root);
    return responder.respond({ caller, target: { channelId: root.channel, rootId }, text: command }, false).done;
  };
  const activeUser = activeUserFinder(api, identity);
  const gateway = app.clusters.get(app.clusters.defaultContext);
  const bot = { id: me.id, username: me.username };
  return {
    app,
    bot,
    publicUrl,
    listen: { host, port: Number(port) },
    notifier,
    incidentPosts,
    plugin,
    http: {
      responder,
      identity,
      slashTokens,
      signer: app.changeDeps.signer,
      api,
      notifier,
      logger,
      readiness: {
        cluster: async () => Boolean(await gateway?.serverVersion()),
        mattermost: async () => Boolean((await api.me()).id),
      },
      // /metrics beside the webhooks, unless it has an address of its own (a port no webhook proxy exposes).
      ...(config.http.metricsListen ? {} : { metrics }),
      ...(app.alertmanager ? { alertmanager: app.alertmanager } : {}),
    },
    leaderRunnables: (stepDown) =>
      app.leaderRunnables({ api, botToken, bot, notifier, incidentNotifier: incidentPosts ?? notifier, onMention, runInChannel, activeUser, stepDown }),
  };
}
