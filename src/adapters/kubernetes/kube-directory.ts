/** Gateways for every context of a kubeconfig, created on first use. */
import { KubeConfig } from '@kubernetes/client-node';
import { MatteropsError } from '../../core/errors.ts';
import type { ClusterDirectory, ClusterGateway } from '../../core/ports/cluster-gateway.ts';
import { KeepAliveKubeConfig } from './keep-alive-kube-config.ts';
import { createKubeGateway } from './kube-gateway.ts';

/** The directory, plus each context's own KubeConfig (for the Lease and Event adapters). */
export interface KubeDirectory extends ClusterDirectory {
  kubeConfigFor(context: string): KubeConfig;
}

export interface KubeDirectoryOptions {
  /** A kubeconfig file; without it, the usual places (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig?: string;
  /** The context used when a command names none; without it, the kubeconfig's current context. */
  defaultContext?: string;
}

export function createKubeDirectory(options: KubeDirectoryOptions = {}): KubeDirectory {
  const base = new KubeConfig(); // read for its contexts only; calls go through kubeConfigFor
  if (options.kubeconfig) base.loadFromFile(options.kubeconfig);
  else base.loadFromDefault();
  const contexts = base.getContexts().map((c) => c.name);
  const defaultContext = options.defaultContext ?? base.getCurrentContext();
  if (!contexts.includes(defaultContext)) {
    throw new MatteropsError('invalid', `the kubeconfig has no context "${defaultContext}"`, `contexts: ${contexts.join(', ') || 'none'}`);
  }
  const gateways = new Map<string, ClusterGateway>();
  const configs = new Map<string, KubeConfig>();
  const kubeConfigFor = (context: string): KubeConfig => {
    let kc = configs.get(context);
    if (!kc) {
      kc = new KeepAliveKubeConfig();
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
        gateway = createKubeGateway(kubeConfigFor(context), context);
        gateways.set(context, gateway);
      }
      return gateway;
    },
  };
}
