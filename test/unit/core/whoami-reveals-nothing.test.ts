/** `whoami` tells a caller no role names only who they are: not the apiserver, nor the bot's cluster identity (review of issue 9, item 4). */
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { chatUser, createHarness } from '../../support/core-harness.ts';

describe('whoami without a role', () => {
  it('names the caller and what they may use, and nothing about the cluster', async () => {
    const h = createHarness({
      policy: PolicySchema.parse({ roles: { reader: { verbs: ['status'] } }, bindings: [{ role: 'reader', subjects: [{ user: 'alice' }] }] }),
    });
    const { text } = await h.run('whoami', chatUser('mallory'));
    expect(text).toContain('@mallory (via mattermost)');
    expect(text).toContain('No role in the matterops policy names you');
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('acting as');
    expect((await h.run('whoami', chatUser('alice'))).text).toContain('acting as');
  });
});
