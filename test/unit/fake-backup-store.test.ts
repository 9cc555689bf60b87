/** The in-memory BackupStore runs the contract the S3 adapter runs against SeaweedFS. */
import { backupStoreContract } from '../contract/backup-store.contract.ts';
import { FakeBackupStore } from '../fakes/fake-backup-store.ts';

backupStoreContract('fake', () => {
  const store = new FakeBackupStore('backups/');
  return {
    store,
    prefix: 'backups/',
    plant: (key, body) => Promise.resolve(store.plant(key, body)),
    exists: (key) => Promise.resolve(store.objects.has(key)),
  };
});
