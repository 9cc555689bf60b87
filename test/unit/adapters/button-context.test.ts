/** Button contexts sign everything the action handler trusts (issue 9, item 2). */
import { describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { signButton, verifyButton, type ButtonClaims } from '../../../src/adapters/mattermost/button-context.ts';

const signer = createHmacSigner('unit-test-signing-key');
const id = (c: string): string => c.repeat(26);
const claims: ButtonClaims = { action: 'confirm', token: 'abcd1234.1.sig', requester: id('a'), post: id('p'), channel: id('c'), root: id('r'), expires: 2_000 };
const body = { userId: id('a'), postId: id('p'), channelId: id('c') };

describe('button contexts', () => {
  it("accept the bot's own context for its post and channel before it expires", () => {
    expect(verifyButton(signer, signButton(signer, claims), body, 1_000)).toEqual({ ok: true, claims });
  });

  it('refuse any claim changed after signing', () => {
    for (const [key, value] of [
      ['action', 'cancel'],
      ['requester', id('b')],
      ['post', id('q')],
      ['channel', id('d')],
      ['root', id('s')],
      ['expires', '9999999'],
      ['token', 'other'],
    ]) {
      const context = { ...signButton(signer, claims), [key as string]: value };
      expect(verifyButton(signer, context, { ...body, postId: context.post ?? '', channelId: context.channel ?? '' }, 1_000)).toEqual({
        ok: false,
        why: 'invalid',
      });
    }
  });

  it('refuse a body naming another post or channel than the signed ones, and ids of the wrong shape', () => {
    const context = signButton(signer, claims);
    expect(verifyButton(signer, context, { ...body, postId: id('q') }, 1_000).ok).toBe(false);
    expect(verifyButton(signer, context, { ...body, channelId: id('d') }, 1_000).ok).toBe(false);
    expect(verifyButton(signer, context, { ...body, userId: '../../users/me' }, 1_000).ok).toBe(false);
    expect(verifyButton(signer, signButton(signer, { ...claims, post: '../x', root: '../x' }), { ...body, postId: '../x' }, 1_000).ok).toBe(false);
  });

  it('refuse an expired context', () => {
    expect(verifyButton(signer, signButton(signer, claims), body, 3_000)).toEqual({ ok: false, why: 'expired' });
  });
});
