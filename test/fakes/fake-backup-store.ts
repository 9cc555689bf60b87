/**
 * In-memory BackupStore over a map of object keys to bodies, as a bucket holds them; passes
 * test/contract/backup-store.contract.ts like the S3 adapter. `plant` writes an object as the
 * runner would (or a hand edit), `putBackup` a whole good backup.
 */
import { backupIdPattern, backupKeys, BackupMetadataSchema, BackupVerificationSchema, type BackupMetadata } from '../../src/core/model/backup.ts';
import type { BackupStore, StoredBackup } from '../../src/core/ports/backup-store.ts';

type Installation = { namespace: string; name: string };

export class FakeBackupStore implements BackupStore {
  readonly objects = new Map<string, Uint8Array>();
  readonly prefix: string;
  readonly location: string;

  constructor(prefix = 'backups/', bucket = 'fake') {
    this.prefix = prefix;
    this.location = `s3://${bucket}/${prefix}`;
  }

  plant(key: string, body: string | Uint8Array): void {
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }

  /** A good backup: a dump of `metadata.sizeBytes` bytes and its metadata. */
  putBackup(metadata: BackupMetadata): void {
    const keys = backupKeys(this.prefix, metadata.installation, metadata.id);
    this.plant(keys.dump, new Uint8Array(metadata.sizeBytes));
    this.plant(keys.metadata, JSON.stringify(metadata));
  }

  list(installation: Installation): Promise<StoredBackup[]> {
    const folder = `${this.prefix}${installation.namespace}/${installation.name}/`;
    const ids = new Set([...this.objects.keys()].filter((k) => k.startsWith(folder)).map((k) => k.slice(folder.length).split('/')[0] ?? ''));
    return Promise.resolve([...ids].filter((id) => backupIdPattern.test(id)).map((id) => this.describe(installation, id)));
  }

  async newestComplete(installation: Installation): Promise<string | undefined> {
    const ids = (await this.list(installation)).map((b) => b.id);
    const complete = ids.filter((id) => {
      const keys = backupKeys(this.prefix, installation, id);
      return this.objects.has(keys.dump) && this.objects.has(keys.metadata);
    });
    return complete.sort().at(-1);
  }

  remove(installation: Installation, id: string): Promise<void> {
    const { dir } = backupKeys(this.prefix, installation, id);
    for (const key of [...this.objects.keys()]) if (key.startsWith(dir)) this.objects.delete(key);
    return Promise.resolve();
  }

  private describe(installation: Installation, id: string): StoredBackup {
    const keys = backupKeys(this.prefix, installation, id);
    const dump = this.objects.get(keys.dump);
    const metadata = BackupMetadataSchema.safeParse(this.json(keys.metadata));
    const verification = BackupVerificationSchema.safeParse(this.json(keys.verification));
    return {
      id,
      dump: dump ? { key: keys.dump, sizeBytes: dump.byteLength } : undefined,
      metadata: metadata.success && metadata.data.id === id ? metadata.data : undefined,
      verification: verification.success && verification.data.backupId === id ? verification.data : undefined,
    };
  }

  private json(key: string): unknown {
    const body = this.objects.get(key);
    try {
      return body ? JSON.parse(new TextDecoder().decode(body)) : undefined;
    } catch {
      return undefined;
    }
  }
}
