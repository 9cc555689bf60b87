/**
 * What a change leaves in the cluster while it is followed (on its Lease), so a restarted bot can
 * resume following it and report the outcome to the same place.
 */
import { z } from 'zod';
import type { Signer } from '../ports/signer.ts';

export const InFlightRecordSchema = z.object({
  operationId: z.string(),
  verb: z.string(),
  requester: z.string(),
  via: z.string(),
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  /** Done when the operator has observed at least this generation and says stable (or the CR is gone). */
  until: z.enum(['stable', 'deleted']),
  generation: z.number(),
  summary: z.string(),
  startedAt: z.string(),
  deadline: z.string(),
  /** Where to report (a chat channel and post), opaque to the core. */
  replyTo: z.string().optional(),
});
export type InFlightRecord = z.infer<typeof InFlightRecordSchema>;

/** Where a record is kept: the namespace and name of the Lease it sits on. */
export interface RecordPlace { namespace: string; name: string }

/**
 * What the signature covers: the record and the Lease that carries it, so a record copied onto
 * another Lease (or edited by anyone without the signing key) does not verify. The prefix keeps
 * these signatures apart from button and confirmation ones made with the same key.
 */
const signedText = (place: RecordPlace, json: string): string => `matterops in-flight v1\n${place.namespace}/${place.name}\n${json}`;

/** The record as stored (JSON) and its HMAC signature. */
export function sealInFlight(signer: Signer, place: RecordPlace, record: InFlightRecord): { json: string; signature: string } {
  const json = JSON.stringify(record);
  return { json, signature: signer.sign(signedText(place, json)) };
}

export type OpenedRecord = { ok: true; record: InFlightRecord } | { ok: false; reason: string };

/**
 * The record, if this Lease carries one matterops wrote with this signing key; resume trusts
 * nothing else (issue 9, item 15): a forged record could make the bot report to any channel.
 */
export function openInFlight(signer: Signer, place: RecordPlace, stored: { json?: string | undefined; signature?: string | undefined }): OpenedRecord {
  if (stored.json === undefined) return { ok: false, reason: 'it carries no in-flight record' };
  if (!stored.signature) return { ok: false, reason: 'its in-flight record is not signed' };
  if (!signer.verify(signedText(place, stored.json), stored.signature)) {
    return { ok: false, reason: 'its in-flight record does not match its signature (another signing key, or edited)' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored.json);
  } catch {
    return { ok: false, reason: 'its in-flight record is not JSON' };
  }
  const record = InFlightRecordSchema.safeParse(parsed);
  return record.success ? { ok: true, record: record.data } : { ok: false, reason: 'its in-flight record has not the fields matterops writes' };
}
