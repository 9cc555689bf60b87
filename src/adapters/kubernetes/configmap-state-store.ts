/** The chat state in a ConfigMap of the bot's namespace, written with optimistic concurrency. */
import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import type { ChatStateStore } from '../mattermost/chat-state.ts';
import { isNotFound } from './kube-errors.ts';

const name = 'matterops-chat-state';
const key = 'last-handled.json';

export function createConfigMapStateStore(kc: KubeConfig, namespace: string): ChatStateStore {
  const core = kc.makeApiClient(CoreV1Api);
  const read = async (): Promise<V1ConfigMap | undefined> => {
    try {
      return await core.readNamespacedConfigMap({ namespace, name });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const parsed = (map: V1ConfigMap | undefined): Record<string, number> => (map?.data?.[key] ? JSON.parse(map.data[key]) as Record<string, number> : {});
  return {
    load: async () => parsed(await read()),
    async save(lastHandled) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await read();
        const merged = parsed(current);
        for (const [channel, at] of Object.entries(lastHandled)) merged[channel] = Math.max(merged[channel] ?? 0, at);
        const body: V1ConfigMap = { metadata: { name, namespace, ...(current?.metadata?.resourceVersion ? { resourceVersion: current.metadata.resourceVersion } : {}) }, data: { [key]: JSON.stringify(merged) } };
        try {
          if (current) await core.replaceNamespacedConfigMap({ namespace, name, body });
          else await core.createNamespacedConfigMap({ namespace, body });
          return;
        } catch (error) {
          if ((error as { code?: number }).code !== 409) throw error; // another replica wrote: merge again
        }
      }
    },
  };
}
