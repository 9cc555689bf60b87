/**
 * In-flight records are trusted only when matterops signed them for the very Lease that carries
 * them (issue 9, item 15): a forged, unsigned, edited, garbled or moved record is refused with a
 * reason, never thrown at the sweep.
 */
import { describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { openInFlight, sealInFlight, type InFlightRecord } from '../../../src/core/change/in-flight.ts';

const signer = createHmacSigner('the bot key');
const place = { namespace: 'matterops', name: 'matterops-lock-chat.mattermost' };
const record: InFlightRecord = {
  operationId: 'op1', verb: 'scale', requester: '@alice', via: 'mattermost', cluster: 'prod', namespace: 'chat', name: 'mattermost',
  until: 'stable', generation: 3, summary: 'replicas 2 -> 5', startedAt: '2026-11-27T09:00:00.000Z', deadline: '2026-11-27T09:10:00.000Z', replyTo: 'ch1:post1',
};

describe('in-flight records', () => {
  it('opens a record sealed for this Lease with this key', () => {
    const sealed = sealInFlight(signer, place, record);
    expect(openInFlight(signer, place, sealed)).toEqual({ ok: true, record });
  });

  it('refuses a record sealed with another key', () => {
    const forged = sealInFlight(createHmacSigner('someone else'), place, record);
    expect(openInFlight(signer, place, forged)).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) });
  });

  it('refuses an unsigned record', () => {
    expect(openInFlight(signer, place, { json: JSON.stringify(record) })).toMatchObject({ ok: false, reason: expect.stringMatching(/not signed/) });
  });

  it('refuses a record edited after signing (another channel to report to)', () => {
    const sealed = sealInFlight(signer, place, record);
    const edited = { ...sealed, json: sealed.json.replace('ch1:post1', 'ch2:post9') };
    expect(openInFlight(signer, place, edited).ok).toBe(false);
  });

  it('refuses a genuine record copied onto another Lease', () => {
    const sealed = sealInFlight(signer, place, record);
    expect(openInFlight(signer, { namespace: 'matterops', name: 'matterops-lock-staging.other' }, sealed).ok).toBe(false);
    expect(openInFlight(signer, { namespace: 'elsewhere', name: place.name }, sealed).ok).toBe(false);
  });

  it('refuses garbage without throwing', () => {
    const json = 'not json{';
    expect(openInFlight(signer, place, { json, signature: signer.sign(`matterops in-flight v1\n${place.namespace}/${place.name}\n${json}`) }))
      .toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
    expect(openInFlight(signer, place, {})).toMatchObject({ ok: false });
  });
});
