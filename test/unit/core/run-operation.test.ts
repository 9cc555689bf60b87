/**
 * A button's click reaches the core as the operation itself (issue 10, item 5): checked by the
 * verb's schema like typed text, with no command string made up and parsed again.
 */
import { describe, expect, it } from 'vitest';
import { alice, createHarness } from '../../support/core-harness.ts';

describe('runOperation', () => {
  it('confirms a waiting plan by its token, as the Confirm button does', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 6 });
    const plan = await h.run('scale mattermost 2');
    const token = plan.reply.pending?.token ?? '';
    expect(token).toMatch(/^[0-9a-f]{8}\./);
    const { reply, operation } = await h.pipeline.runOperation({ verb: 'confirm', code: token } as never, alice);
    expect(operation).toMatchObject({ verb: 'confirm', code: token });
    expect(reply.error).toBeUndefined();
    expect(h.gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(2);
  });

  it("refuses an operation its verb's schema refuses, with the same words as typed text", async () => {
    const h = createHarness();
    const built = await h.pipeline.runOperation({ verb: 'cancel', code: 'not a code' } as never, alice);
    const typed = await h.run('cancel "not a code"');
    expect(built.reply.error).toBe('usage');
    expect(built.reply).toEqual(typed.reply);
    expect((await h.pipeline.runOperation({ verb: 'no-such-verb' }, alice)).reply.error).toBe('usage');
  });
});
