/**
 * The composition root: the one place that chooses adapters and wires them into the core.
 * Tests and benchmarks pass their own clusters, clock or logger through `overrides`.
 */
import { readFileSync } from 'node:fs';
import { createKubeDirectory } from './adapters/kubernetes/kube-directory.ts';
import { createPinoLogger } from './adapters/logging/pino-logger.ts';
import type { Config } from './config/config-schema.ts';
import { createPipeline, type Pipeline } from './core/pipeline.ts';
import { systemClock, type Clock } from './core/ports/clock.ts';
import type { ClusterDirectory } from './core/ports/cluster-gateway.ts';
import type { Logger } from './core/ports/logger.ts';
import { createRegistry, type Registry } from './core/registry.ts';
import { allVerbs } from './core/verbs/index.ts';

export interface App {
  config: Config;
  registry: Registry;
  clusters: ClusterDirectory;
  pipeline: Pipeline;
  logger: Logger;
}

export interface AppOverrides {
  clusters?: ClusterDirectory;
  clock?: Clock;
  logger?: Logger;
}

/** The version in package.json (src/ and dist/ both sit one level below it). */
export const matteropsVersion: string =
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function createApp(config: Config, overrides: AppOverrides = {}): App {
  const registry = createRegistry(allVerbs);
  const logger = overrides.logger ?? createPinoLogger(config.logLevel);
  const clusters = overrides.clusters ?? createKubeDirectory({
    ...(config.kubernetes.kubeconfig ? { kubeconfig: config.kubernetes.kubeconfig } : {}),
    ...(config.kubernetes.defaultContext ? { defaultContext: config.kubernetes.defaultContext } : {}),
  });
  const pipeline = createPipeline({
    registry, clusters, logger, clock: overrides.clock ?? systemClock, version: matteropsVersion,
    defaultNamespace: config.defaults.namespace,
    limits: { maxLogLines: config.limits.maxLogLines, maxLogChars: config.limits.maxReplyChars },
  });
  return { config, registry, clusters, pipeline, logger };
}
