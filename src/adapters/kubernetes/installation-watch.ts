/**
 * Follows one Mattermost CR through a watch. client-node's watch ends on any error or server
 * timeout, so this restarts it (after a short pause) until stopped, and re-reads the object on each
 * restart so no change between two watches is missed.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { toInstallation, type Installation } from '../../core/model/installation.ts';
import type { Subscription } from '../../core/ports/cluster-gateway.ts';

export interface WatchTarget {
  kc: KubeConfig;
  namespace: string;
  name: string;
  read: () => Promise<Installation | undefined>;
}

export function watchInstallation(target: WatchTarget, onChange: (i: Installation | undefined) => void): Subscription {
  let stopped = false;
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  const path = `/apis/installation.mattermost.com/v1beta1/namespaces/${target.namespace}/mattermosts`;

  const start = async (): Promise<void> => {
    if (stopped) return;
    try {
      onChange(await target.read());
      abort = await new Watch(target.kc).watch(path, { fieldSelector: `metadata.name=${target.name}` },
        (type: string, object: unknown) => onChange(type === 'DELETED' ? undefined : toInstallation(object)),
        () => restart());
      // Stopped while the watch was being opened (a follow that was done at the first read): close
      // it now, or its connection keeps the process (`matterops resume`) alive until it times out.
      if (stopped) abort.abort();
    } catch {
      restart();
    }
  };
  const restart = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void start(), 500);
  };
  void start();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      abort?.abort();
    },
  };
}
