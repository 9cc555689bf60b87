/**
 * The BackupStore port over S3 (or a compatible store): one listing under the installation's folder
 * `<prefix><namespace>/<name>/`, grouped by backup id; each backup's metadata.json and verified.json
 * read and checked with their schemas. An object that does not parse counts as absent (a backup
 * without valid metadata is not a good backup) and is logged by key, never by content.
 */
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client, type _Object } from '@aws-sdk/client-s3';
import type { z } from 'zod';
import { backupIdPattern, backupKeys, BackupMetadataSchema, BackupVerificationSchema } from '../../core/model/backup.ts';
import type { BackupStore, StoredBackup } from '../../core/ports/backup-store.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { s3Location } from './s3-client.ts';

type Installation = { namespace: string; name: string };

/** Reads of metadata objects at once: a long catalog must not open hundreds of requests together. */
const readConcurrency = 8;

export function createS3BackupStore(client: S3Client, settings: { bucket: string; prefix: string }, logger: Logger): BackupStore {
  const { bucket, prefix } = settings;
  const folder = (installation: Installation): string => `${prefix}${installation.namespace}/${installation.name}/`;

  async function listKeys(under: string): Promise<_Object[]> {
    const objects: _Object[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: under, ContinuationToken: token }));
      objects.push(...(page.Contents ?? []));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  /** The parsed object, or undefined when it is gone or does not match its schema. */
  async function readJson<T>(key: string, schema: z.ZodType<T>, id: string): Promise<T | undefined> {
    let text: string;
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      text = (await object.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined; // deleted between the listing and the read
      throw error;
    }
    const parsed = schema.safeParse(parseJson(text));
    if (parsed.success) return parsed.data;
    logger.warn({ key, backupId: id }, 'backup object is not valid: counted as absent');
    return undefined;
  }

  /** A metadata or verification object copied into another backup's folder describes that one, not this. */
  function ofThisBackup<T>(value: T | undefined, namedId: string | undefined, id: string, key: string): T | undefined {
    if (value === undefined || namedId === id) return value;
    logger.warn({ key, backupId: id }, 'backup object names another backup than its folder: counted as absent');
    return undefined;
  }

  async function describe(installation: Installation, id: string, objects: Map<string, _Object>): Promise<StoredBackup> {
    const keys = backupKeys(prefix, installation, id);
    const dump = objects.get(keys.dump);
    const [metadata, verification] = await Promise.all([
      objects.has(keys.metadata) ? readJson(keys.metadata, BackupMetadataSchema, id) : undefined,
      objects.has(keys.verification) ? readJson(keys.verification, BackupVerificationSchema, id) : undefined,
    ]);
    return {
      id,
      dump: dump ? { key: keys.dump, sizeBytes: dump.Size ?? 0 } : undefined,
      metadata: ofThisBackup(metadata, metadata?.id, id, keys.metadata),
      verification: ofThisBackup(verification, verification?.backupId, id, keys.verification),
    };
  }

  /** One listing of the installation's folder, grouped by backup id (other objects are not ours). */
  async function grouped(installation: Installation): Promise<Map<string, Map<string, _Object>>> {
    const under = folder(installation);
    const byId = new Map<string, Map<string, _Object>>();
    for (const object of await listKeys(under)) {
      const id = object.Key?.slice(under.length).split('/')[0] ?? '';
      if (!backupIdPattern.test(id)) continue; // not ours: a backup folder is named by its id
      const objects = byId.get(id) ?? new Map<string, _Object>();
      objects.set(object.Key ?? '', object);
      byId.set(id, objects);
    }
    return byId;
  }

  return {
    location: s3Location(settings),
    prefix,
    async list(installation) {
      return await mapLimit([...(await grouped(installation))], readConcurrency, ([id, objects]) => describe(installation, id, objects));
    },
    async newestComplete(installation) {
      const complete = [...(await grouped(installation))].filter(([id, objects]) => {
        const keys = backupKeys(prefix, installation, id);
        return objects.has(keys.dump) && objects.has(keys.metadata);
      });
      return complete
        .map(([id]) => id)
        .sort()
        .at(-1);
    },
    async remove(installation, id) {
      const keys = (await listKeys(backupKeys(prefix, installation, id).dir)).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      // DeleteObjects takes at most 1000 keys per call.
      for (let i = 0; i < keys.length; i += 1000) {
        const result = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000), Quiet: true } }));
        const failed = result.Errors ?? [];
        if (failed.length) throw new Error(`could not delete ${failed.length} object(s) of backup ${id}: ${failed[0]?.Code ?? 'error'}`);
      }
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `fn` over every item, at most `limit` at a time, results in the items' order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
