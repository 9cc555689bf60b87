/**
 * The pipeline every adapter shares: parse, pick the cluster, run the verb, turn any failure into a
 * reply. Adapters render the reply; nothing here knows about terminals or chat.
 */
import { usageError } from './errors.ts';
import { errorReply } from './error-reply.ts';
import { parseCommand } from './grammar/parse.ts';
import type { Operation } from './operation.ts';
import type { Clock } from './ports/clock.ts';
import type { ClusterDirectory } from './ports/cluster-gateway.ts';
import type { Logger } from './ports/logger.ts';
import type { Registry } from './registry.ts';
import type { Reply } from './reply.ts';
import { suggest } from './text/did-you-mean.ts';
import type { Caller, Limits, VerbContext } from './verb-context.ts';

export interface PipelineDeps {
  registry: Registry;
  clusters: ClusterDirectory;
  clock: Clock;
  logger: Logger;
  version: string;
  limits: Limits;
  /** Namespace used when a command names none. */
  defaultNamespace: string;
}

export interface Outcome {
  reply: Reply;
  /** The parsed operation, when parsing succeeded. */
  operation?: Operation;
  durationMs: number;
}

export interface Pipeline {
  run(input: string, caller: Caller): Promise<Outcome>;
}

function pickCluster(clusters: ClusterDirectory, wanted: string | undefined): string {
  const context = wanted ?? clusters.defaultContext;
  if (clusters.get(context)) return context;
  const close = suggest(context, clusters.contexts);
  throw usageError(`unknown cluster "${context}"`, `clusters: ${clusters.contexts.join(', ')}${close.length ? ` (did you mean ${close[0]}?)` : ''}`);
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  return {
    async run(input, caller) {
      const started = performance.now();
      let operation: Operation | undefined;
      let reply: Reply;
      try {
        const parsed = parseCommand(input, deps.registry);
        operation = parsed.operation as Operation;
        const cluster = pickCluster(deps.clusters, parsed.operation.cluster);
        const ctx: VerbContext = {
          gateway: deps.clusters.get(cluster)!, clusters: deps.clusters, caller, clock: deps.clock, registry: deps.registry,
          version: deps.version, limits: deps.limits,
          scope: { cluster, namespace: parsed.operation.namespace, defaultNamespace: deps.defaultNamespace },
        };
        reply = await parsed.verb.run(ctx, parsed.operation);
      } catch (error) {
        reply = errorReply(error, deps.logger, { input, caller: caller.id, verb: operation?.verb });
      }
      return { reply, ...(operation ? { operation } : {}), durationMs: performance.now() - started };
    },
  };
}
