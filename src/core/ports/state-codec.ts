/**
 * A state document as stored text (JSON), one way for every StateStore, so "unreadable" means the
 * same in the ConfigMap adapter and in the fake. Reasons name what is wrong, never a stored
 * value: they reach log lines.
 */
import type { z } from 'zod';
import { MatteropsError } from '../errors.ts';
import { maxStateGroupBytes, UnreadableDocument, type StateDocument } from './state-store.ts';

/** At most this many schema issues in a reason: the first few say what is wrong. */
const issuesShown = 3;

function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, issuesShown).map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`);
  const more = error.issues.length - issuesShown;
  return issues.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

/** Why `text` is not a value of the document's schema, or its value. */
function parse<T>(doc: StateDocument<T>, text: string): { value: T } | { reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message may quote the text: say only what it is not.
    return { reason: 'not JSON' };
  }
  const parsed = doc.schema.safeParse(json);
  return parsed.success ? { value: parsed.data } : { reason: `not of its shape: ${describeIssues(parsed.error)}` };
}

/** The value stored as `text`; throws UnreadableDocument, with `where` it is, when it is none. */
export function decodeDocument<T>(doc: StateDocument<T>, text: string, where: Record<string, string>): T {
  const parsed = parse(doc, text);
  if ('reason' in parsed) throw new UnreadableDocument(doc.name, where, parsed.reason);
  return parsed.value;
}

/**
 * The text to store for `value`, and the value it reads back as (what a store keeps decoded,
 * decoded-documents.ts); refuses (`invalid`) a value that would not read back as one of the document.
 */
export function encodeDocument<T>(doc: StateDocument<T>, value: T): { text: string; back: T } {
  const text = JSON.stringify(value);
  const back = text === undefined ? { reason: 'not JSON' } : parse(doc, text);
  if ('reason' in back) throw new MatteropsError('invalid', `state document ${doc.name} was not written: the new value is ${back.reason}`);
  return { text, back: back.value };
}

const utf8 = new TextEncoder();

/** What a group of documents takes, as a ConfigMap's data counts it: every key and value, in UTF-8 bytes. */
export function groupBytes(data: Record<string, string>): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(data)) bytes += utf8.encode(key).length + utf8.encode(value).length;
  return bytes;
}

/** Refuses (`invalid`) to write `data` for `document` when the group would pass maxStateGroupBytes. */
export function checkGroupSize(document: string, data: Record<string, string>): void {
  const bytes = groupBytes(data);
  if (bytes <= maxStateGroupBytes) return;
  throw new MatteropsError(
    'invalid',
    `state document ${document} was not written: its group would take ${Math.ceil(bytes / 1024)} KiB, over the ${maxStateGroupBytes / 1024} KiB a group may take`,
    'the document must be kept smaller (prune it) or split into groups of their own',
  );
}
