/**
 * The StateStore port over ConfigMaps of the state namespace (docs/state.md). A document
 * `<group>/<item>` is the data key `<item>.json` of the ConfigMap `matterops-<group>`, as JSON, so
 * `kubectl get configmap matterops-<group> -o yaml` shows it. (The handled chat posts,
 * `chat-state/handled`, are thereby where matterops has always kept them: `handled.json` of
 * `matterops-chat-state`.)
 *
 * Updates are compare-and-swap on the ConfigMap's resourceVersion: a 409 (someone wrote since the
 * read, or created it first) or a 404 (deleted since) means read again and re-apply the change.
 * The other keys of the ConfigMap, its labels and annotations are kept as they are. A write that
 * would make the ConfigMap's data larger than maxStateGroupBytes (half of the 1 MiB a ConfigMap
 * may hold) is refused before it is sent, and the stored document stays as it was.
 */
import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { MatteropsError } from '../../core/errors.ts';
import { silentLogger, type Logger } from '../../core/ports/logger.ts';
import { DecodedDocuments, documentKeys, type DocumentKeys } from '../../core/ports/decoded-documents.ts';
import { documentPlace, stateUpdateAttempts, UnreadableDocument, type StateDocument, type StateStore } from '../../core/ports/state-store.ts';
import { isConflict, isNotFound, toMatteropsError } from './kube-errors.ts';

/** Every ConfigMap of the state store carries it: `kubectl get configmap -l matterops.io/state`. */
const stateLabel = 'matterops.io/state';

/** Waiting plans are ConfigMaps `matterops-pending-<code>` (configmap-pending-store.ts): no group may look like one. */
const reservedGroup = /^pending(-|$)/;

/**
 * Where a document is kept: the one mapping of names to ConfigMaps. `key` is its whole text's;
 * a document with parts keeps each in `<item>.<part>.json` (`keys`, or `key` for one `part`).
 */
export function configMapPlace(document: string, part?: string): { configMap: string; key: string; keys: DocumentKeys } {
  const { group, item } = documentPlace(document);
  if (reservedGroup.test(group)) throw new Error(`state document ${document}: the group ${group} would be kept where waiting plans are (matterops-pending-*)`);
  const keys = documentKeys(item, '.json');
  return { configMap: `matterops-${group}`, key: part === undefined ? keys.whole : keys.part(part), keys };
}

export function createConfigMapStateStore(kc: KubeConfig, namespace: string, logger: Logger = silentLogger): StateStore {
  const core = kc.makeApiClient(CoreV1Api);
  const where = { context: kc.getCurrentContext(), server: kc.getCurrentCluster()?.server ?? '' };
  /** A document unchanged since this store last read or wrote it (its ConfigMap's resourceVersion) is not decoded again. */
  const decoded = new DecodedDocuments(logger);

  const get = async (name: string): Promise<V1ConfigMap | undefined> => {
    try {
      return await core.readNamespacedConfigMap({ namespace, name });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toMatteropsError(error, where);
    }
  };

  /** The document's value in `map` (undefined when absent); unreadable throws, or counts as absent when the caller overwrites it. */
  function valueIn<T>(doc: StateDocument<T>, map: V1ConfigMap | undefined, overwriteUnreadable: boolean): T | undefined {
    const { configMap, keys } = configMapPlace(doc.name);
    try {
      return decoded.read(doc, { data: map?.data, version: map?.metadata?.resourceVersion }, keys, (key) => ({ configMap: `${namespace}/${configMap}`, key }));
    } catch (error) {
      if (overwriteUnreadable && error instanceof UnreadableDocument) return undefined;
      throw error;
    }
  }

  /**
   * Writes `data` if `map` is still the stored version; false when it is not (409, or deleted
   * meanwhile), else what was written (its resourceVersion).
   */
  async function swap(name: string, map: V1ConfigMap | undefined, data: Record<string, string>): Promise<V1ConfigMap | false> {
    try {
      if (!map) {
        return await core.createNamespacedConfigMap({ namespace, body: { metadata: { name, namespace, labels: { [stateLabel]: 'true' } }, data } });
      }
      // managedFields are the apiserver's to keep; everything else of the object stays as it is.
      const metadata = { ...map.metadata, managedFields: undefined, labels: { ...map.metadata?.labels, [stateLabel]: 'true' } };
      const body: V1ConfigMap = { ...map, metadata, data };
      return await core.replaceNamespacedConfigMap({ namespace, name, body });
    } catch (error) {
      if (isConflict(error) || (map && isNotFound(error))) return false;
      throw toMatteropsError(error, where);
    }
  }

  return {
    async read(doc) {
      const map = await get(configMapPlace(doc.name).configMap);
      const value = valueIn(doc, map, false);
      return value === undefined ? { value: doc.initial(), version: undefined } : { value, version: map?.metadata?.resourceVersion };
    },

    async update(doc, change, options = {}) {
      const { configMap, keys } = configMapPlace(doc.name);
      for (let attempt = 1; attempt <= stateUpdateAttempts; attempt++) {
        const map = await get(configMap);
        const next = change(valueIn(doc, map, options.overwriteUnreadable ?? false) ?? doc.initial());
        const write = decoded.write(doc, next, map?.data, keys);
        if (!write) return next; // unchanged: nothing to write
        const written = await swap(configMap, map, write.data);
        if (written) {
          write.wrote(written.metadata?.resourceVersion);
          return next;
        }
      }
      throw new MatteropsError(
        'conflict',
        `state document ${doc.name} changed under every one of ${stateUpdateAttempts} attempts to update it`,
        'try again in a moment',
      );
    },
  };
}
