/**
 * `logs` cuts a pod's log to what a post can hold before it redacts it (issue 9, item 3; review R1):
 * the redaction then works on a bounded text whatever the pod wrote, and what is shown is still
 * masked, whole lines, and within the limit even where masking made a line longer.
 */
import { describe, expect, it, vi } from 'vitest';
import { createHarness } from '../../support/core-harness.ts';

const redactedLengths = vi.hoisted(() => [] as number[]);
vi.mock(import('../../../src/core/text/redact.ts'), async (importOriginal) => {
  const original = await importOriginal();
  return {
    ...original,
    redactSecrets: (value: string) => {
      redactedLengths.push(value.length);
      return original.redactSecrets(value);
    },
  };
});

const maxLogChars = 2_000;

describe('logs on a long pod log', () => {
  it('redacts only the tail it shows (with a small margin), not the whole log', async () => {
    const h = createHarness({ limits: { maxLogLines: 5_000, maxLogChars } });
    h.gateway.seed('chat', 'mattermost', { replicas: 1 });
    const [pod] = h.gateway.pods.get('chat/mattermost')!;
    // 5,000 lines, about 150 KB: each a secret whose mask (***) is longer than the value itself.
    const lines = Array.from({ length: 5_000 }, (_, i) => `${String(i).padStart(5, '0')} connecting with password=${i % 10} ok`);
    h.gateway.logs.set(`chat/${pod!.name}`, lines.join('\n'));
    redactedLengths.length = 0;
    const { reply, text } = await h.run('logs mattermost --tail 5000');

    expect(Math.max(...redactedLengths)).toBeLessThan(3 * maxLogChars);
    const body = reply.blocks.find((b) => b.kind === 'code');
    const shown = body?.kind === 'code' ? body.text : '';
    expect(shown.length).toBeLessThanOrEqual(maxLogChars);
    expect(shown).not.toMatch(/password=\d/);
    const shownLines = shown.split('\n');
    expect(shownLines.at(-1)).toBe('04999 connecting with password=*** ok');
    expect(shownLines[0]).toMatch(/^\d{5} connecting with password=\*\*\* ok$/);
    const cut = Number(/oldest (\d+) lines cut/.exec(text)?.[1]);
    expect(cut + shownLines.length).toBe(5_000);
  });

  it('still masks a secret that the cut falls inside (a line too long for the post)', async () => {
    const h = createHarness({ limits: { maxLogLines: 5_000, maxLogChars } });
    h.gateway.seed('chat', 'mattermost', { replicas: 1 });
    const [pod] = h.gateway.pods.get('chat/mattermost')!;
    const token = 'abcdefghij0123456789'.repeat(10);
    // The shown 2,000 characters start 99 characters into the token, after its `Bearer`.
    h.gateway.logs.set(`chat/${pod!.name}`, `${'x'.repeat(5_000)} Authorization: Bearer ${token} ${'y'.repeat(1_900)}`);
    const { reply } = await h.run('logs mattermost');
    const body = reply.blocks.find((b) => b.kind === 'code');
    const shown = body?.kind === 'code' ? body.text : '';
    expect(shown).toMatch(/^x* ?(Authorization: )?Bearer \*\*\* y{1900}$/);
    expect(shown).not.toContain('0123456789');
  });
});
