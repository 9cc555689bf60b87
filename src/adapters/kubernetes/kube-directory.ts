/** Gateways for every context of a kubeconfig, created on first use. */
import { KubeConfig } from '@kubernetes/client-node';
import { MatteropsError } from '../../core/errors.ts';
import type { ClusterDirectory, ClusterGateway } from '../../core/ports/cluster-gateway.ts';
import { createKubeGateway } from './kube-gateway.ts';

export interface KubeDirectoryOptions {
  /** A kubeconfig file; without it, the usual places (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig?: string;
  /** The context used when a command names none; without it, the kubeconfig's current context. */
  defaultContext?: string;
}

export function createKubeDirectory(options: KubeDirectoryOptions = {}): ClusterDirectory {
  const base = new KubeConfig();
  if (options.kubeconfig) base.loadFromFile(options.kubeconfig);
  else base.loadFromDefault();
  const contexts = base.getContexts().map((c) => c.name);
  const defaultContext = options.defaultContext ?? base.getCurrentContext();
  if (!contexts.includes(defaultContext)) {
    throw new MatteropsError('invalid', `the kubeconfig has no context "${defaultContext}"`, `contexts: ${contexts.join(', ') || 'none'}`);
  }
  const gateways = new Map<string, ClusterGateway>();
  return {
    contexts,
    defaultContext,
    get(context) {
      if (!contexts.includes(context)) return undefined;
      let gateway = gateways.get(context);
      if (!gateway) {
        const kc = new KubeConfig();
        kc.loadFromString(base.exportConfig());
        kc.setCurrentContext(context);
        gateway = createKubeGateway(kc, context);
        gateways.set(context, gateway);
      }
      return gateway;
    },
  };
}
