/**
 * Seals the in-flight record (model/in-flight-record.ts) onto its lock and opens it again: resume
 * trusts only a record this signing key sealed onto this very Lease.
 */
import { InFlightRecordSchema, type InFlightRecord } from '../model/in-flight-record.ts';
import type { Signer } from '../ports/signer.ts';

/** Where a record is kept: the namespace and name of the Lease it sits on. */
export interface RecordPlace {
  namespace: string;
  name: string;
}

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
