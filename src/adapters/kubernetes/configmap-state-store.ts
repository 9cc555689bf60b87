/**
 * The chat state (handled post ids, the listening heartbeat: chat-snapshot.ts) in a ConfigMap of the
 * bot's namespace, written with optimistic concurrency: on a conflict the stored snapshot is read
 * again and merged, so two leaders in a hand-over lose nothing. Bounded (entries expire, the count
 * is capped), so the ConfigMap stays far below its 1 MiB limit. Errors are thrown to the caller,
 * which logs and retries them (chat-state.ts).
 */
import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { mergeSnapshots, parseSnapshot, type ChatSnapshot } from '../mattermost/chat-snapshot.ts';
import type { ChatStateStore } from '../mattermost/chat-state.ts';
import { isNotFound } from './kube-errors.ts';

const name = 'matterops-chat-state';
const key = 'handled.json';
/** Before issue 9: the create time of the last handled post, per channel. */
const legacyKey = 'last-handled.json';
const conflictAttempts = 5;

/** The stored snapshot; one of the old shape becomes a heartbeat at its newest post, and the floor. */
function parsed(map: V1ConfigMap | undefined): ChatSnapshot {
  const data = map?.data ?? {};
  if (data[key]) return parseSnapshot(JSON.parse(data[key]));
  if (!data[legacyKey]) return parseSnapshot(undefined);
  const newest = Math.max(0, ...Object.values(JSON.parse(data[legacyKey]) as Record<string, number>));
  return { posts: {}, floor: newest, listeningUntil: newest };
}

export function createConfigMapStateStore(kc: KubeConfig, namespace: string, now: () => number = Date.now): ChatStateStore {
  const core = kc.makeApiClient(CoreV1Api);
  const read = async (): Promise<V1ConfigMap | undefined> => {
    try {
      return await core.readNamespacedConfigMap({ namespace, name });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const write = async (current: V1ConfigMap | undefined, snapshot: ChatSnapshot): Promise<void> => {
    const resourceVersion = current?.metadata?.resourceVersion;
    const body: V1ConfigMap = { metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) }, data: { [key]: JSON.stringify(snapshot) } };
    if (current) await core.replaceNamespacedConfigMap({ namespace, name, body });
    else await core.createNamespacedConfigMap({ namespace, body });
  };
  return {
    load: async () => parsed(await read()),
    async save(snapshot) {
      for (let attempt = 1; ; attempt++) {
        const current = await read();
        try {
          await write(current, mergeSnapshots(parsed(current), snapshot, now()));
          return;
        } catch (error) {
          // 409: another replica wrote in between (or created it first): merge again.
          if ((error as { code?: number }).code !== 409 || attempt >= conflictAttempts) throw error;
        }
      }
    },
  };
}
