/**
 * The shapes the composition root (main.ts) builds and the entry points run: the terminal's app,
 * serve's app, and serve's Mattermost side wired. Types only, so an adapter (the terminal's repl)
 * or serve.ts can name what it is given without depending on the composition root.
 */
import type { LeaderElection, LeaderElectionOptions } from './adapters/kubernetes/leader-election.ts';
import type { AlertmanagerRouteDeps } from './adapters/alertmanager/alertmanager-route.ts';
import type { MattermostNotifier } from './adapters/mattermost/mattermost-notifier.ts';
import type { PluginPresence } from './adapters/mattermost/plugin-presence.ts';
import type { HttpDeps } from './adapters/mattermost/webhook/http-server.ts';
import type { PromMetrics } from './adapters/metrics/prom-metrics.ts';
import type { Config } from './config/config-schema.ts';
import type { Core } from './core/create-core.ts';
import type { ChannelRate } from './core/incidents/channel-rate.ts';
import type { Clock } from './core/ports/clock.ts';
import type { Logger } from './core/ports/logger.ts';
import type { LeaderContext } from './leader/leader-context.ts';
import type { Runnable } from './leader/runnable.ts';

/** What the terminal runs: the core on the configured clusters, and what it was built from. */
export interface App extends Core {
  config: Config;
  clock: Clock;
  logger: Logger;
}

/** What `matterops serve` runs: the app with plans kept in the cluster, and what only serving needs. */
export interface ServeApp extends App {
  /** Leader election among `serve` replicas, on a Lease in the state namespace. */
  elect: (options: Omit<LeaderElectionOptions, 'namespace' | 'durationSeconds'>) => LeaderElection;
  /** What the core records, with the process metrics, for /metrics; serve adds the chat queue's. */
  metrics: PromMetrics;
  /** What only the leading replica runs, given the Mattermost side (`wireBot` in main.ts builds it). */
  leaderRunnables: (chat: LeaderContext) => Runnable[];
  /** `/hooks/alertmanager`, when a token is configured (docs/incidents.md). */
  alertmanager: AlertmanagerRouteDeps | undefined;
  /** Ends what runs beside the commands on every replica (the events cache's watches: docs/watching.md). */
  stopWatches: () => Promise<void>;
}

/**
 * serve's app with its Mattermost side wired (main.ts, `wireBot`): serve.ts starts the webhook
 * server, the election and the leader's runnables from it, and stops them.
 */
export interface WiredBot {
  app: ServeApp;
  /** The bot's own user, as Mattermost answered. */
  bot: { id: string; username: string };
  /** Where Mattermost reaches the webhooks (links and button actions point there). */
  publicUrl: string;
  listen: { host: string; port: number };
  notifier: MattermostNotifier;
  /** The per-channel cap incident posts wait behind, in front of `notifier` (undefined: no cap, or no incidents). */
  incidentPosts: Pick<ChannelRate, 'release' | 'depth'> | undefined;
  /** Whether the companion plugin is active (cards or plain posts); checked every few minutes until stopped. */
  plugin: PluginPresence;
  /** The webhook server, but for what only the running election knows (its role, the websocket's readiness). */
  http: Omit<HttpDeps, 'role'>;
  /** The leader's runnables; `stepDown` gives leadership up (the election serve starts). */
  leaderRunnables: (stepDown: () => Promise<void>) => Runnable[];
}
