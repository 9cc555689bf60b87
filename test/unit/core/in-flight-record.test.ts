/**
 * In-flight records are trusted only when matterops signed them for the very Lease that carries
 * them (issue 9, item 15): a forged, unsigned, edited, garbled or moved record is refused with a
 * reason, never thrown at the sweep.
 */
import { describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { openInFlight, sealInFlight } from '../../../src/core/change/in-flight.ts';
import type { InFlightRecord } from '../../../src/core/model/in-flight-record.ts';
import { kinds } from '../../../src/core/model/resource.ts';

const signer = createHmacSigner('the bot key');
const place = { namespace: 'matterops', name: 'matterops-lock-chat.mattermost' };
const record: InFlightRecord = {
  operationId: 'op1',
  verb: 'scale',
  requester: '@alice',
  via: 'mattermost',
  cluster: 'prod',
  namespace: 'chat',
  name: 'mattermost',
  steps: [
    {
      kind: 'write',
      resource: kinds.mattermost,
      namespace: 'chat',
      name: 'mattermost',
      action: { kind: 'patch' },
      resourceVersion: '41',
    },
    { kind: 'wait', until: 'stable', namespace: 'chat', name: 'mattermost', generation: 3 },
  ],
  step: 1,
  summary: 'replicas 2 -> 5',
  startedAt: '2026-11-27T09:00:00.000Z',
  deadline: '2026-11-27T09:10:00.000Z',
  replyTo: 'ch1:post1',
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
    expect(openInFlight(signer, place, { json, signature: signer.sign(`matterops in-flight v1\n${place.namespace}/${place.name}\n${json}`) })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not JSON/),
    });
    expect(openInFlight(signer, place, {})).toMatchObject({ ok: false });
  });

  it('opens a record an older matterops wrote (before steps) as the one wait it was', () => {
    const base: Partial<InFlightRecord> = { ...record };
    delete base.steps;
    delete base.step;
    const sealed = sealInFlight(signer, place, { ...base, until: 'deleted', generation: 4 } as unknown as InFlightRecord);
    expect(openInFlight(signer, place, sealed)).toEqual({
      ok: true,
      record: { ...base, step: 0, steps: [{ kind: 'wait', until: 'deleted', namespace: 'chat', name: 'mattermost', generation: 4 }] },
    });
  });

  it('refuses a record whose current step is past its last one', () => {
    const sealed = sealInFlight(signer, place, { ...record, step: 2 });
    expect(openInFlight(signer, place, sealed)).toMatchObject({ ok: false, reason: expect.stringMatching(/fields/) });
  });
});
