/**
 * A change whose lock cannot be renewed stops and says so (issue 9, item 12): a renewal that hangs
 * is abandoned, and once the Lease would have expired the change is told its lock is lost, so it
 * neither follows on as if it held the installation nor writes again.
 */
import { describe, expect, it } from 'vitest';
import { createHarness } from '../../support/core-harness.ts';

describe('a lost lock stops the change', () => {
  it('a renewal that hangs ends the follow with "lost its lock" well before the follow deadline', async () => {
    const h = createHarness({ lockRenewMs: 20, followTimeoutMs: 60_000 });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    h.gateway.autoSettle = false; // the operator never reports stable: only the lost lock can end this
    h.locks.renew = () => new Promise(() => undefined);
    const ticking = setInterval(() => h.clock.advance(25), 10);
    try {
      const started = Date.now();
      const { text, reply } = await h.run('scale mattermost 3');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(reply.error).toBe('unavailable');
      expect(text).toContain('matterops lost its lock on chat/mattermost (it could not be renewed in time)');
      expect(h.audit.entries.map((e) => e.phase)).toEqual(['requested', 'applied', 'failed']);
    } finally {
      clearInterval(ticking);
    }
  });

  it('a lock taken over by another operation is lost at the next renewal', async () => {
    const h = createHarness({ lockRenewMs: 20, followTimeoutMs: 60_000 });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    h.gateway.autoSettle = false;
    const running = h.run('scale mattermost 3');
    await new Promise((r) => setTimeout(r, 30));
    for (const entry of h.locks.entries.values()) entry.holder = { ...entry.holder, operationId: 'someone-else' };
    const { text } = await running;
    expect(text).toContain('matterops lost its lock on chat/mattermost (another operation took it over)');
  });
});
