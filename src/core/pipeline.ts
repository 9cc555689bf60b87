/**
 * The pipeline every adapter shares: parse, pick the cluster, check the caller may use the verb,
 * then run a read verb or hand a change verb to the change pipeline; any failure becomes a reply.
 * Adapters render the reply; nothing here knows about terminals or chat.
 */
import type { AuditLog } from './ports/audit-log.ts';
import type { Backups } from './ports/backup-store.ts';
import type { ChangeContext } from './change/change-context.ts';
import type { ChangeService } from './change/change-service.ts';
import { auditDenied } from './change/denied.ts';
import { MatteropsError, usageError } from './errors.ts';
import { errorReply } from './error-reply.ts';
import type { ChangeFlags } from './grammar/change-flags.ts';
import { parseCommand, parseOperation } from './grammar/parse.ts';
import { createAccess } from './policy/access.ts';
import { clustersFor } from './policy/authorize.ts';
import type { Policy } from './policy/policy-schema.ts';
import type { Clock } from './ports/clock.ts';
import type { ClusterDirectory } from './ports/cluster-gateway.ts';
import type { Logger } from './ports/logger.ts';
import type { Metrics } from './ports/metrics.ts';
import { recordCommand, verbLabel } from './metrics-catalog.ts';
import type { Registry } from './registry.ts';
import type { Reply } from './reply.ts';
import { suggest } from './text/did-you-mean.ts';
import type { Caller } from './model/caller.ts';
import type { RunOptions } from './run-options.ts';
import type { OperationBase } from './verb.ts';
import type { ScheduleDeps } from './ports/schedule-deps.ts';
import type { IncidentSettings, LogLimits } from './verb-context.ts';

export interface PipelineDeps {
  registry: Registry;
  clusters: ClusterDirectory;
  clock: Clock;
  logger: Logger;
  version: string;
  logLimits: LogLimits;
  /** Namespace used when a command names none. */
  defaultNamespace: string;
  policy: Policy;
  changes: ChangeService;
  audit: (cluster: string) => AuditLog;
  metrics: Metrics;
  backups: Backups;
  schedules: ScheduleDeps;
  incidents: IncidentSettings;
}

export interface Outcome {
  reply: Reply;
  /** The parsed operation, when parsing succeeded. */
  operation?: OperationBase;
  durationMs: number;
}

export interface Pipeline {
  run(input: string, caller: Caller, options?: RunOptions): Promise<Outcome>;
  /** The same for an operation an adapter built (a button click): checked by its verb's schema, never re-typed as text. */
  runOperation(operation: OperationBase, caller: Caller, options?: RunOptions): Promise<Outcome>;
}

/**
 * The cluster a command runs on: one the configuration exposes and the caller may use (`usable`).
 * Any other is "unknown", and the answer names only the usable ones, so a chat user learns nothing
 * of contexts outside their reach (issue 9, items 4 and 5).
 */
function pickCluster(clusters: ClusterDirectory, wanted: string | undefined, usable: readonly string[]): string {
  const context = wanted ?? clusters.defaultContext;
  if (usable.includes(context) && clusters.get(context)) return context;
  const close = suggest(context, [...usable]);
  throw usageError(`unknown cluster "${context}"`, `clusters: ${usable.join(', ')}${close.length ? ` (did you mean ${close[0]}?)` : ''}`);
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  async function dispatch(input: string, caller: Caller, options: RunOptions, parsed: ReturnType<typeof parseCommand>): Promise<Reply> {
    const usable = clustersFor(deps.policy, caller, deps.clusters.contexts, deps.clusters.defaultContext);
    const cluster = pickCluster(deps.clusters, parsed.operation.cluster, usable);
    const access = createAccess(deps.policy, caller, cluster, usable);
    if (!access.mayUse(parsed.verb.name)) {
      const refusal = new MatteropsError(
        'forbidden',
        `${caller.name} may not use ${parsed.verb.name}: no role in the matterops policy grants it`,
        'type help to see what you may do, or ask an admin to grant you a role',
      );
      if (parsed.verb.kind === 'change') await auditDenied(deps, { verb: parsed.verb.name, caller, cluster }, refusal);
      throw refusal;
    }
    const ctx: ChangeContext = {
      gateway: deps.clusters.get(cluster)!,
      clusters: deps.clusters,
      caller,
      clock: deps.clock,
      registry: deps.registry,
      version: deps.version,
      logLimits: deps.logLimits,
      verb: parsed.verb.name,
      access,
      audit: deps.audit(cluster),
      backups: deps.backups,
      schedules: deps.schedules,
      channelHere: options.channelId ? { id: options.channelId, ...(caller.channel ? { name: caller.channel } : {}) } : undefined,
      memberChannel: options.memberChannel,
      incidents: deps.incidents,
      options,
      scope: { cluster, namespace: parsed.operation.namespace, defaultNamespace: deps.defaultNamespace },
      // `confirm` and `cancel` reach waiting plans as the caller of this very command.
      confirmations: { confirm: (request) => deps.changes.confirm(ctx, request), cancel: (codeOrToken) => deps.changes.cancel(ctx, codeOrToken) },
    };
    const operation = parsed.operation as OperationBase & ChangeFlags;
    return parsed.verb.kind === 'read' ? await parsed.verb.run(ctx, operation) : await deps.changes.start(ctx, parsed.verb, operation);
  }

  /** Parses (or checks) and dispatches; every failure becomes a reply, and the command is counted. */
  async function runParsed(parse: () => ReturnType<typeof parseCommand>, input: string, caller: Caller, options: RunOptions): Promise<Outcome> {
    const started = performance.now();
    let operation: OperationBase | undefined;
    let reply: Reply;
    try {
      const parsed = parse();
      operation = parsed.operation;
      reply = await dispatch(input, caller, options, parsed);
    } catch (error) {
      reply = errorReply(error, deps, { input, caller: caller.id, verb: operation?.verb });
    }
    const durationMs = performance.now() - started;
    recordCommand(
      deps.metrics,
      verbLabel(operation?.verb ?? input.trim().split(/\s+/, 1)[0], (word) => deps.registry.find(word)),
      reply,
      durationMs / 1000,
    );
    return { reply, ...(operation ? { operation } : {}), durationMs };
  }

  return {
    run: (input, caller, options = {}) => runParsed(() => parseCommand(input, deps.registry), input, caller, options),
    runOperation: (operation, caller, options = {}) => runParsed(() => parseOperation(operation, deps.registry), operation.verb, caller, options),
  };
}
