/**
 * The ClusterWatch port over @kubernetes/client-node, for one kubeconfig context (its current one).
 * Construct it from the KubeConfig the gateway uses:
 *
 *   const watch = createKubeClusterWatch(kc, { clock: systemClock, logger });
 *   const pods = watch.watch({ resource: kinds.pod, namespace: 'chat', labelSelector: 'app=mattermost' }, onPodChange);
 *   await pods.synced;          // first list handed to onPodChange as `added` events
 *   pods.get('chat', 'mm-0');   // served from the cache
 *   await pods.stop();
 *
 * It watches as the kubeconfig's identity, which needs `list` and `watch` on the kind. What it
 * guarantees is in docs/watching.md.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { systemClock, type Clock } from '../../core/ports/clock.ts';
import type { ClusterWatch } from '../../core/ports/cluster-watch.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { Backoff } from './cluster-watch-backoff.ts';
import { startInformer } from './cluster-watch-informer.ts';
import { createKubeListWatchSource } from './cluster-watch-kube-source.ts';

export interface KubeClusterWatchOptions {
  clock?: Clock;
  logger?: Logger;
  backoff?: Backoff;
}

export function createKubeClusterWatch(kc: KubeConfig, options: KubeClusterWatchOptions = {}): ClusterWatch {
  const source = createKubeListWatchSource(kc);
  const clock = options.clock ?? systemClock;
  return {
    watch: (spec, handler) =>
      startInformer(source, spec, handler, {
        clock,
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.backoff ? { backoff: options.backoff } : {}),
      }),
  };
}
