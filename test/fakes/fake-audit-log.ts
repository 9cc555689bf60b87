/** In-memory AuditLog; passes test/contract/audit-log.contract.ts like the Events adapter. */
import type { AuditEntry, AuditLog, AuditQuery } from '../../src/core/ports/audit-log.ts';

export class FakeAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];

  async record(entry: AuditEntry): Promise<void> {
    await Promise.resolve();
    this.entries.push(entry);
  }

  async query(q: AuditQuery): Promise<AuditEntry[]> {
    await Promise.resolve();
    return this.entries
      .filter(
        (e) =>
          e.at >= q.since &&
          (!q.namespace || e.namespace === q.namespace) &&
          (!q.installation || e.installation === q.installation) &&
          (!q.requester || e.requester === q.requester),
      )
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}
