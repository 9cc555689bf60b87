/** The Signer port over node:crypto: HMAC-SHA256, constant-time verification, random ids. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Signer } from '../../core/ports/signer.ts';

export function createHmacSigner(key: string | Buffer): Signer {
  const sign = (data: string): string => createHmac('sha256', key).update(data).digest('base64url');
  return {
    sign,
    verify(data, signature) {
      const expected = Buffer.from(sign(data));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
    randomId: (bytes) => randomBytes(bytes).toString('hex'),
  };
}
