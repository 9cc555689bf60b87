/** Golden files for every kind of post and the split of long messages (the outbox under 429s: outbox.test.ts). */
import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderPost } from '../../../src/adapters/mattermost/render-post.ts';
import { postLimit, splitMessage } from '../../../src/adapters/mattermost/split-message.ts';
import { actionContextFor } from '../../../src/adapters/mattermost/chat-responder.ts';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { createHarness, chatUser } from '../../support/core-harness.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';

const golden = (name: string): string => `__golden__/${name}.json`;
const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

describe('Mattermost posts', () => {
  const h = createHarness({
    policy: PolicySchema.parse({
      roles: { admin: { verbs: ['*'], limits: { maxReplicas: 20, minReplicas: 0 } } },
      bindings: [{ role: 'admin', subjects: [{ user: '*' }] }],
    }),
  });
  h.gateway.seed('chat', 'mattermost', { replicas: 4 });

  it('a status card: verdict as the message, details in a green attachment', async () => {
    const { reply } = await h.run('status mattermost', chatUser('alice'));
    await expect(json(renderPost(reply))).toMatchFileSnapshot(golden('status'));
  });

  it('a table reply renders as a markdown table', async () => {
    const { reply } = await h.run('list -A', chatUser('alice'));
    await expect(json(renderPost(reply))).toMatchFileSnapshot(golden('list'));
  });

  it('a danger plan carries signed Confirm and Cancel buttons', async () => {
    const { reply } = await h.run('scale mattermost 1', chatUser('alice'));
    // Fixed token, expiry and ids, so the signatures in the golden file stay the same.
    const fixed = { ...reply, ...(reply.pending ? { pending: { ...reply.pending, token: 'abcd1234.1.sig', expiresAt: new Date(0) } } : {}) };
    const actions = actionContextFor({ signer: createHmacSigner('golden-key'), publicUrl: 'https://bot.example.com' }, fixed, {
      requester: 'a'.repeat(26),
      postId: 'p'.repeat(26),
      target: { channelId: 'c'.repeat(26) },
    });
    const post = renderPost(reply, actions);
    const withoutExpiry = JSON.parse(
      json(post)
        .replace(/expires:\*\* \d\d:\d\d:\d\d UTC/, 'expires:** HH:MM:SS UTC')
        .replace(/confirm [0-9a-f]{8}/g, 'confirm CODE'),
    ) as unknown;
    await expect(json(withoutExpiry)).toMatchFileSnapshot(golden('plan'));
    expect(post.props.attachments[0]?.actions?.map((a) => a.integration.context.action)).toEqual(['confirm', 'cancel']);
  });

  it('an outcome, and an error as private markdown', async () => {
    const { reply } = await h.run('scale mattermost 5', chatUser('alice'));
    await expect(json(renderPost(reply))).toMatchFileSnapshot(golden('outcome'));
    const error = await h.run('stauts mattermost', chatUser('alice'));
    expect(renderMarkdown(error.reply)).toBe('unknown command "stauts"\n\ndid you mean status? (type help for the list)');
  });
});

describe('long messages', () => {
  it('are split under the limit with code fences balanced and parts numbered', () => {
    const log = `\`\`\`\n${Array.from({ length: 3000 }, (_, i) => `line ${i} ${'x'.repeat(10)}`).join('\n')}\n\`\`\``;
    const parts = splitMessage(log);
    expect(parts.length).toBeGreaterThan(2);
    for (const [i, part] of parts.entries()) {
      expect(part.length).toBeLessThanOrEqual(postLimit);
      expect((part.match(/```/g) ?? []).length % 2).toBe(0);
      expect(part.endsWith(`_(part ${i + 1}/${parts.length})_`)).toBe(true);
    }
    expect(parts.join('\n')).toContain('line 2999');
  });
});
