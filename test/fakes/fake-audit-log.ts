/** In-memory AuditLog; passes test/contract/audit-log.contract.ts like the Events adapter. */
import type { AuditEntry, AuditLog, AuditQuery } from '../../src/core/ports/audit-log.ts';

export class FakeAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];

  async record(entry: AuditEntry): Promise<void> {
    await Promise.resolve();
    this.entries.push(entry);
  }

  /**
   * An Event someone other than the bot wrote, read back as the Events adapter reads one whose
   * signature does not verify: unverified, without its undo.
   */
  async forge(entry: AuditEntry): Promise<void> {
    await Promise.resolve();
    const read: AuditEntry = { ...entry, unverified: true };
    delete read.undo;
    this.entries.push(read);
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
