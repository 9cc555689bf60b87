/** The AuditLog contract, run by the fake (unit) and the Events adapter (cluster). */
import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditLog } from '../../src/core/ports/audit-log.ts';

export interface AuditSubject {
  audit: AuditLog;
  namespace: string;
  /** Writes the entry's Event as someone other than the bot would: without the bot's signature. */
  forge: (entry: AuditEntry) => Promise<void>;
}

export function auditLogContract(label: string, subject: () => AuditSubject): void {
  describe(`AuditLog contract: ${label}`, () => {
    it('reads back what it recorded, filtered by installation, requester and time, oldest first', async () => {
      const { audit, namespace } = subject();
      const base = { verb: 'scale', via: 'terminal', cluster: 'sandbox-bot', namespace, detail: 'replicas 2 -> 5' };
      const t = (s: number): Date => new Date(Date.UTC(2026, 10, 27, 9, 0, s));
      const entries: AuditEntry[] = [
        { ...base, at: t(1), operationId: 'a1', phase: 'requested', requester: '@alice', installation: 'mm' },
        { ...base, at: t(2), operationId: 'a1', phase: 'applied', requester: '@alice', installation: 'mm' },
        { ...base, at: t(3), operationId: 'b1', phase: 'denied', requester: '@mallory', installation: 'mm', detail: 'not allowed' },
        { ...base, at: t(4), operationId: 'c1', phase: 'succeeded', requester: '@alice', installation: 'other' },
      ];
      for (const e of entries) await audit.record(e);
      const forMm = await audit.query({ namespace, installation: 'mm', since: t(0) });
      expect(forMm.map((e) => [e.operationId, e.phase, e.requester, e.detail])).toEqual([
        ['a1', 'requested', '@alice', 'replicas 2 -> 5'],
        ['a1', 'applied', '@alice', 'replicas 2 -> 5'],
        ['b1', 'denied', '@mallory', 'not allowed'],
      ]);
      expect((await audit.query({ namespace, since: t(0), requester: '@mallory' })).map((e) => e.operationId)).toEqual(['b1']);
      expect((await audit.query({ namespace, since: t(3) })).map((e) => e.operationId)).toEqual(['b1', 'c1']);
      expect(forMm[0]).toMatchObject({ verb: 'scale', via: 'terminal', cluster: 'sandbox-bot', namespace, installation: 'mm' });
      expect(forMm[0]?.objectKind).toBeUndefined();
    });

    it('reads back the undo an applied change carries, and none where it carries none', async () => {
      const { audit, namespace } = subject();
      const at = new Date(Date.UTC(2026, 10, 27, 11, 0, 0));
      const base = { at, verb: 'upgrade', requester: '@alice', via: 'mattermost ~ops', cluster: 'sandbox-bot', namespace, installation: 'mm-undo' };
      const applied: AuditEntry = {
        ...base,
        operationId: 'u1',
        phase: 'applied',
        detail: 'image mattermost/mattermost-enterprise-edition:9.8.1 -> mattermost/mattermost-team-edition:9.9.0',
        undo: { verb: 'upgrade', positionals: ['mm-undo', '9.8.1'], flags: { image: 'mattermost/mattermost-enterprise-edition' } },
      };
      const succeeded: AuditEntry = { ...base, at: new Date(at.getTime() + 1_000), operationId: 'u1', phase: 'succeeded', detail: 'stable' };
      await audit.record(applied);
      await audit.record(succeeded);
      expect(await audit.query({ namespace, installation: 'mm-undo', since: at })).toEqual([applied, succeeded]);
    });

    it('an Event the bot did not sign is not trusted: read as unverified, without its undo', async () => {
      const { audit, namespace, forge } = subject();
      const at = new Date(Date.UTC(2026, 10, 27, 12, 0, 0));
      const base = { at, verb: 'scale', via: 'mattermost ~ops', cluster: 'sandbox-bot', namespace, installation: 'mm-forged', phase: 'applied' as const };
      const undo = { verb: 'upgrade' as const, positionals: ['payments', '9.0.0'], flags: { image: 'evil.example/mm' } };
      const ours: AuditEntry = {
        ...base,
        operationId: 'f1',
        requester: '@bob',
        detail: 'replicas 1 -> 2',
        undo: { verb: 'scale', positionals: ['mm-forged', '1'], flags: {} },
      };
      await audit.record(ours);
      await forge({ ...base, at: new Date(at.getTime() + 1_000), operationId: 'f2', requester: '@alice', detail: 'replicas 1 -> 3', undo });
      const read = await audit.query({ namespace, installation: 'mm-forged', since: at });
      expect(read[0]).toEqual(ours);
      expect(read[1]).toMatchObject({ operationId: 'f2', requester: '@alice', phase: 'applied', unverified: true });
      expect(read[1]?.undo).toBeUndefined();
      expect(read).toHaveLength(2);
    });

    it("keeps an Event about the bot's own state on its ConfigMap apart from installations", async () => {
      const { audit, namespace } = subject();
      const at = new Date(Date.UTC(2026, 10, 27, 10, 0, 0));
      const entry: AuditEntry = {
        at,
        operationId: 's1add',
        phase: 'succeeded',
        verb: 'schedule',
        requester: '@alice',
        via: 'mattermost ~ops',
        cluster: 'sandbox-bot',
        namespace,
        installation: 'matterops-schedules',
        objectKind: 'ConfigMap',
        detail: 'schedule add s1 "0 9 * * 1-5" status all',
      };
      await audit.record(entry);
      const read = await audit.query({ namespace, installation: 'matterops-schedules', since: at });
      expect(read).toEqual([entry]);
    });
  });
}
