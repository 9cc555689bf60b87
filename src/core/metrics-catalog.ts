/**
 * Every metric matterops records, declared once (docs/operations.md explains each). Adapters export
 * exactly these; the core records them where the thing happens: commands in pipeline.ts, change
 * phases in change/audit-trail.ts, errors in error-reply.ts, the chat queue where serve builds it,
 * open incidents where the leader tracks them (incidents/open-incidents-gauge.ts), the last good
 * backups where they are found (last-good-backups.ts).
 */
import type { CounterSpec, GaugeSpec, HistogramSpec, MetricSpec, Metrics } from './ports/metrics.ts';
import type { Reply } from './reply.ts';

/** Outcome of a command: `ok`, `pending` (a plan waits for its confirmation), or an error code. */
export const commandsTotal: CounterSpec<'verb' | 'outcome'> = {
  kind: 'counter',
  name: 'matterops_commands_total',
  labels: ['verb', 'outcome'],
  help: 'Commands answered, by verb and outcome (ok, pending confirmation, or the error code).',
};

/** From parsing to the reply; a change that is followed counts until its outcome, so buckets reach minutes. */
export const commandDurationSeconds: HistogramSpec<'verb'> = {
  kind: 'histogram',
  name: 'matterops_command_duration_seconds',
  labels: ['verb'],
  help: 'Time from receiving a command to its reply, by verb.',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
};

export const changePhasesTotal: CounterSpec<'verb' | 'phase'> = {
  kind: 'counter',
  name: 'matterops_change_phases_total',
  labels: ['verb', 'phase'],
  help: 'Audited steps of changes (requested, confirmed, applied, succeeded, failed, timed-out, denied, cancelled), by verb.',
};

export const errorsTotal: CounterSpec<'code'> = {
  kind: 'counter',
  name: 'matterops_errors_total',
  labels: ['code'],
  help: 'Failures turned into replies, by error code (internal ones are in the log with their reference).',
};

export const chatOutboxDepth: GaugeSpec = {
  kind: 'gauge',
  name: 'matterops_chat_outbox_depth',
  labels: [],
  help: 'Posts and edits waiting to be delivered to Mattermost.',
};

export const chatRateLimitedTotal: CounterSpec = {
  kind: 'counter',
  name: 'matterops_chat_rate_limited_total',
  labels: [],
  help: 'Sends to Mattermost that were answered 429 (rate limited) and retried after Retry-After.',
};

export const leaderStatus: GaugeSpec = {
  kind: 'gauge',
  name: 'matterops_leader',
  labels: [],
  help: 'Whether this serve replica holds the leader Lease (1) or follows (0).',
};

export const websocketConnected: GaugeSpec = {
  kind: 'gauge',
  name: 'matterops_websocket_connected',
  labels: [],
  help: "Whether this replica's Mattermost websocket (the leader's mention listener) is connected (1) or not (0).",
};

export const websocketReconnectsTotal: CounterSpec = {
  kind: 'counter',
  name: 'matterops_websocket_reconnects_total',
  labels: [],
  help: 'Times the Mattermost websocket connected again after it closed.',
};

/**
 * Rule names are a fixed list in the code (incidents/rules/index.ts, and `alertmanager` for
 * Alertmanager's groups), so the series are bounded; only the leading replica exports them.
 */
export const incidentsOpen: GaugeSpec<'rule'> = {
  kind: 'gauge',
  name: 'matterops_incidents_open',
  labels: ['rule'],
  help: 'Incidents open now, by rule (alertmanager: the open Alertmanager groups); exported by the leading replica.',
};

/**
 * Bounded by the installations the bot watches: one series each, none for an installation with no
 * good backup yet, removed when the installation is gone.
 */
export const backupLastSuccessTimestampSeconds: GaugeSpec<'namespace' | 'installation'> = {
  kind: 'gauge',
  name: 'matterops_backup_last_success_timestamp_seconds',
  labels: ['namespace', 'installation'],
  help: 'Start time (unix seconds, from its id) of the newest complete backup of each installation in the backup store.',
};

export const metricsCatalog: readonly MetricSpec[] = [
  commandsTotal,
  commandDurationSeconds,
  changePhasesTotal,
  errorsTotal,
  chatOutboxDepth,
  chatRateLimitedTotal,
  leaderStatus,
  websocketConnected,
  websocketReconnectsTotal,
  incidentsOpen,
  backupLastSuccessTimestampSeconds,
];

/**
 * The label of a command's verb: the registered name that `word` (a name or an alias) finds, else
 * `unknown`, so nothing a user typed becomes a series.
 */
export function verbLabel(word: string | undefined, find: (word: string) => { name: string } | undefined): string {
  return (word === undefined ? undefined : find(word)?.name) ?? 'unknown';
}

/** Counts one answered command and its duration: `pending` when a plan waits, else its error code or `ok`. */
export function recordCommand(metrics: Metrics, verb: string, reply: Pick<Reply, 'error' | 'pending'>, seconds: number): void {
  metrics.inc(commandsTotal, { verb, outcome: reply.error ?? (reply.pending ? 'pending' : 'ok') });
  metrics.observe(commandDurationSeconds, { verb }, seconds);
}
