/**
 * The chat state (handled post ids, the listening heartbeat: chat-snapshot.ts) in a ConfigMap of the
 * bot's namespace, written with optimistic concurrency: on a conflict the stored snapshot is read
 * again and merged, so two leaders in a hand-over lose nothing. Bounded (entries expire, the count
 * is capped), so the ConfigMap stays far below its 1 MiB limit. Errors are thrown to the caller,
 * which logs and retries them (chat-state.ts); a document that cannot be read (not JSON, say after
 * a hand edit) is reported by `load` as UnreadableChatState and overwritten by the next `save`.
 */
import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { emptySnapshot, mergeSnapshots, parseSnapshot, type ChatSnapshot } from '../mattermost/chat-snapshot.ts';
import { UnreadableChatState, type ChatStateStore } from '../mattermost/chat-state.ts';
import { isNotFound } from './kube-errors.ts';

const name = 'matterops-chat-state';
const key = 'handled.json';
/** Before issue 9: the create time of the last handled post, per channel. */
const legacyKey = 'last-handled.json';
const conflictAttempts = 5;

type Stored = { snapshot: ChatSnapshot } | { unreadable: { key: string; reason: string } };

/** The stored snapshot; one of the old shape becomes a heartbeat at its newest post, and the floor. */
function parsed(map: V1ConfigMap | undefined): Stored {
  const data = map?.data ?? {};
  const json = (k: string): unknown => JSON.parse(data[k] ?? '');
  try {
    if (data[key]) return { snapshot: parseSnapshot(json(key)) };
    if (!data[legacyKey]) return { snapshot: parseSnapshot(undefined) };
    const legacy = json(legacyKey);
    if (typeof legacy !== 'object' || legacy === null) throw new Error('not an object');
    const newest = Math.max(0, ...Object.values(legacy).filter((at): at is number => typeof at === 'number'));
    return { snapshot: { posts: {}, floor: newest, listeningUntil: newest } };
  } catch (error) {
    return { unreadable: { key: data[key] ? key : legacyKey, reason: (error as Error).message } };
  }
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
    async load() {
      const stored = parsed(await read());
      if ('snapshot' in stored) return stored.snapshot;
      throw new UnreadableChatState({ configMap: `${namespace}/${name}`, key: stored.unreadable.key }, stored.unreadable.reason);
    },
    async save(snapshot) {
      for (let attempt = 1; ; attempt++) {
        const current = await read();
        const stored = parsed(current);
        try {
          // An unreadable document is overwritten: load reported it, and nothing in it can be kept.
          await write(current, mergeSnapshots('snapshot' in stored ? stored.snapshot : emptySnapshot(), snapshot, now()));
          return;
        } catch (error) {
          // 409: another replica wrote in between (or created it first): merge again.
          if ((error as { code?: number }).code !== 409 || attempt >= conflictAttempts) throw error;
        }
      }
    },
  };
}
