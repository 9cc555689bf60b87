/**
 * The PendingStore port over ConfigMaps in the bot's namespace, one per waiting plan
 * (`matterops-pending-<code>`), so any replica, or the bot after a restart, can confirm it.
 * Removal is a delete: the apiserver lets exactly one caller delete an object, which is what makes
 * a confirmation single use across replicas. Expired plans are swept when a new one is put.
 *
 * A plan can hold secrets (`env set DB_PASSWORD=...` carries the value to write), so it is stored
 * sealed: AES-256-GCM under a key derived from the bot's signing key, which every replica shares
 * anyway for its confirmation tokens. Whoever can read ConfigMaps sees when plans wait, not what
 * they hold; a plan sealed under another key (the signing key changed), or moved to another
 * code, counts as gone.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import type { ChangePlan } from '../../core/change/plan.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { PendingStore } from '../../core/ports/pending-store.ts';
import { isNotFound, toMatteropsError } from './kube-errors.ts';

const label = 'matterops.io/pending';
const expiresAnnotation = 'matterops.io/expires-at';
const key = 'plan.sealed';
const nameOf = (code: string): string => `matterops-pending-${code}`;

/** JSON that keeps Dates as Dates: `{ "$date": iso }` on the way out, a Date on the way back. */
function serialize(plan: ChangePlan): string {
  return JSON.stringify(plan, function (this: Record<string, unknown>, field, value: unknown) {
    const raw = this[field];
    return raw instanceof Date ? { $date: raw.toISOString() } : value;
  });
}

/**
 * The plan, or undefined for one an older matterops saved before plans were steps (a rolling
 * upgrade inside the confirmation window): it is gone for the user, who runs the command again.
 */
function deserialize(text: string): ChangePlan | undefined {
  const plan = JSON.parse(text, (_field, value: unknown) => {
    const date = value !== null && typeof value === 'object' && '$date' in value ? value.$date : undefined;
    return typeof date === 'string' ? new Date(date) : value;
  }) as ChangePlan;
  return Array.isArray(plan.draft?.steps) ? plan : undefined;
}

/**
 * AES-256-GCM under a key derived from the signing key. The ConfigMap's place (namespace and code)
 * is bound in as associated data, so a sealed plan copied under another code does not open.
 */
function sealer(signingKey: Uint8Array): { seal(place: string, text: string): string; open(place: string, sealed: string): string | undefined } {
  const key = Buffer.from(hkdfSync('sha256', signingKey, Buffer.alloc(0), 'matterops pending plans', 32));
  return {
    seal(place, text) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
      cipher.setAAD(Buffer.from(place));
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(place, sealed) {
      const raw = Buffer.from(sealed, 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12), { authTagLength: 16 });
        decipher.setAAD(Buffer.from(place));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}

export interface ConfigMapPendingOptions {
  namespace: string;
  signingKey: Uint8Array;
  logger: Logger;
}

export function createConfigMapPendingStore(kc: KubeConfig, options: ConfigMapPendingOptions): PendingStore<ChangePlan> {
  const { namespace, logger } = options;
  const sealed = sealer(options.signingKey);
  const core = kc.makeApiClient(CoreV1Api);
  const where = { context: kc.getCurrentContext(), server: kc.getCurrentCluster()?.server ?? '' };

  /** Deletes plans whose time is up; best effort, a failure only leaves them for the next sweep. */
  async function sweep(now: Date): Promise<void> {
    const list = await core.listNamespacedConfigMap({ namespace, labelSelector: `${label}=true` });
    const expired = list.items.filter((m) => new Date(m.metadata?.annotations?.[expiresAnnotation] ?? 0) < now);
    await Promise.all(expired.map((m) => core.deleteNamespacedConfigMap({ namespace, name: m.metadata?.name ?? '' }).catch(() => undefined)));
  }

  return {
    async put(code, plan) {
      const body: V1ConfigMap = {
        metadata: { name: nameOf(code), namespace, labels: { [label]: 'true' }, annotations: { [expiresAnnotation]: plan.expiresAt.toISOString() } },
        data: { [key]: sealed.seal(`${namespace}/${code}`, serialize(plan)) },
      };
      await core.createNamespacedConfigMap({ namespace, body }).catch((e: unknown) => {
        throw toMatteropsError(e, where);
      });
      sweep(plan.createdAt).catch((e: unknown) => logger.warn({ err: (e as Error).message }, 'could not sweep expired pending plans'));
    },
    async get(code) {
      try {
        const map = await core.readNamespacedConfigMap({ namespace, name: nameOf(code) });
        const text = sealed.open(`${namespace}/${code}`, map.data?.[key] ?? '');
        if (text === undefined) logger.warn({ code }, 'a pending plan could not be opened (sealed under another signing key): treated as gone');
        return text === undefined ? undefined : deserialize(text);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toMatteropsError(error, where);
      }
    },
    async remove(code) {
      try {
        await core.deleteNamespacedConfigMap({ namespace, name: nameOf(code) });
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw toMatteropsError(error, where);
      }
    },
  };
}
