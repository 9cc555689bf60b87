/** The lock and audit fakes run the same contracts as the Lease and Events adapters. */
import { auditLogContract } from '../contract/audit-log.contract.ts';
import { lockManagerContract } from '../contract/lock-manager.contract.ts';
import { FakeAuditLog } from '../fakes/fake-audit-log.ts';
import { FakeLockManager } from '../fakes/fake-lock-manager.ts';

let now = new Date('2026-11-27T09:00:00Z').getTime();
const clock = { now: () => new Date(now) };
const locks = new FakeLockManager(clock, 30);

lockManagerContract('fake', () => ({
  locks,
  namespace: 'chat',
  cluster: 'fake',
  advance: (s) => {
    now += s * 1000;
  },
}));
auditLogContract('fake', () => {
  const audit = new FakeAuditLog();
  return { audit, namespace: 'chat', forge: (entry) => audit.forge(entry) };
});
