/**
 * Gateways for the kubeconfig contexts named in configuration, created on first use. Only those
 * are exposed: a kubeconfig often holds more (a laptop's admin context), and `--cluster` must not
 * reach them (issue 9, item 5).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { MatteropsError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { ClusterDirectory, ClusterGateway } from '../../core/ports/cluster-gateway.ts';
import type { ClusterWatch } from '../../core/ports/cluster-watch.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { createKubeClusterWatch } from './cluster-watch.ts';
import { KeepAliveKubeConfig } from './keep-alive-kube-config.ts';
import { createKubeGateway } from './kube-gateway.ts';
import { singleFlight } from './single-flight-gateway.ts';

/** The directory, plus each context's own KubeConfig (for the Lease and Event adapters). */
export interface KubeDirectory extends ClusterDirectory {
  kubeConfigFor(context: string): KubeConfig;
}

export interface KubeDirectoryOptions {
  /** A kubeconfig file; without it, the usual places (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig?: string;
  /** The context used when a command names none; without it, the first of `contexts`, else the kubeconfig's current one. */
  defaultContext?: string;
  /** The contexts commands may use; without it, only the default context. */
  contexts?: readonly string[];
  /** How long one Kubernetes call may take (see KeepAliveKubeConfig). */
  requestTimeoutMs?: number;
  /** What each cluster's watch (a change's follow, `serve`'s events cache) waits on and reports its failures to. */
  watch?: { clock: Clock; logger: Logger };
  /** Wraps each context's gateway once, when it is first used, given that cluster's watch (`serve`'s events cache: cached-warnings-gateway.ts). */
  decorate?: (context: string, gateway: ClusterGateway, watch: ClusterWatch) => ClusterGateway;
}

interface Exposure {
  defaultContext: string;
  contexts: string[];
}

/** Which contexts are exposed, or every problem with the configuration at once. */
function exposure(available: string[], current: string, options: KubeDirectoryOptions): Exposure {
  const defaultContext = options.defaultContext ?? options.contexts?.[0] ?? current;
  const contexts = [...new Set(options.contexts ?? [defaultContext])];
  const problems = [
    ...contexts
      .filter((c) => !available.includes(c))
      .map((c) => `kubernetes.contexts (MATTEROPS_KUBE_CONTEXTS) names "${c}", which the kubeconfig does not have`),
    ...(available.includes(defaultContext) ? [] : [`the kubeconfig has no context "${defaultContext}" (kubernetes.defaultContext, MATTEROPS_KUBE_CONTEXT)`]),
    ...(contexts.includes(defaultContext) ? [] : [`the default context "${defaultContext}" is not among kubernetes.contexts (${contexts.join(', ')})`]),
  ];
  if (problems.length) {
    throw new MatteropsError(
      'invalid',
      `the Kubernetes configuration has ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      `contexts in the kubeconfig: ${available.join(', ') || 'none'}`,
    );
  }
  return { defaultContext, contexts };
}

export function createKubeDirectory(options: KubeDirectoryOptions = {}): KubeDirectory {
  const base = new KubeConfig(); // read for its contexts only; calls go through kubeConfigFor
  if (options.kubeconfig) base.loadFromFile(options.kubeconfig);
  else base.loadFromDefault();
  const { defaultContext, contexts } = exposure(
    base.getContexts().map((c) => c.name),
    base.getCurrentContext(),
    options,
  );
  const gateways = new Map<string, ClusterGateway>();
  const configs = new Map<string, KubeConfig>();
  const kubeConfigFor = (context: string): KubeConfig => {
    if (!contexts.includes(context)) throw new MatteropsError('invalid', `context "${context}" is not among the configured contexts (${contexts.join(', ')})`);
    let kc = configs.get(context);
    if (!kc) {
      kc = new KeepAliveKubeConfig(undefined, options.requestTimeoutMs);
      kc.loadFromString(base.exportConfig());
      kc.setCurrentContext(context);
      configs.set(context, kc);
    }
    return kc;
  };
  return {
    contexts,
    defaultContext,
    kubeConfigFor,
    get(context) {
      if (!contexts.includes(context)) return undefined;
      let gateway = gateways.get(context);
      if (!gateway) {
        const kc = kubeConfigFor(context);
        const watch = createKubeClusterWatch(kc, options.watch);
        gateway = singleFlight(createKubeGateway(kc, context, watch));
        if (options.decorate) gateway = options.decorate(context, gateway, watch);
        gateways.set(context, gateway);
      }
      return gateway;
    },
  };
}
