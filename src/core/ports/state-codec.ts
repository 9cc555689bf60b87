/**
 * A state document as stored text (JSON), one way for every StateStore, so "unreadable" means the
 * same in the ConfigMap adapter and in the fake. Reasons name what is wrong, never a stored
 * value: they reach log lines.
 */
import type { z } from 'zod';
import { MatteropsError } from '../errors.ts';
import { GroupTooLarge, maxStateGroupBytes, UnreadableDocument, type StateDocument } from './state-store.ts';

/** At most this many schema issues in a reason: the first few say what is wrong. */
const issuesShown = 3;

function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, issuesShown).map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`);
  const more = error.issues.length - issuesShown;
  return issues.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

/** Why `text` is not a value of `schema`, or its value. */
function parse<T>(schema: z.ZodType<T>, text: string): { value: T } | { reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message may quote the text: say only what it is not.
    return { reason: 'not JSON' };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { value: parsed.data } : { reason: `not of its shape: ${describeIssues(parsed.error)}` };
}

/** The value stored as `text`; throws UnreadableDocument, with `where` it is, when it is none. */
export function decodeDocument<T>(doc: StateDocument<T>, text: string, where: Record<string, string>): T {
  const parsed = parse(doc.schema, text);
  if ('reason' in parsed) throw new UnreadableDocument(doc.name, where, parsed.reason);
  return parsed.value;
}

/** A part of a document (DocumentParts): its name and its schema. */
export interface PartOf {
  readonly part: string;
  readonly schema: z.ZodType;
}

/** The value of a document's part stored as `text` (DocumentParts); throws UnreadableDocument naming the part. */
export function decodePart(doc: StateDocument<unknown>, { part, schema }: PartOf, text: string, where: Record<string, string>): unknown {
  const parsed = parse(schema, text);
  if ('reason' in parsed) throw new UnreadableDocument(doc.name, where, `its part ${part} is ${parsed.reason}`);
  return parsed.value;
}

/**
 * The text to store for `value`, and the value it reads back as (what a store keeps decoded,
 * decoded-documents.ts); refuses (`invalid`) a value that would not read back as one of the document.
 */
export function encodeDocument<T>(doc: StateDocument<T>, value: T): { text: string; back: T } {
  return encodeWith(doc, doc.schema, value, 'the new value');
}

/** encodeDocument for one part of a document (DocumentParts), checked with the part's schema. */
export function encodePart(doc: StateDocument<unknown>, { part, schema }: PartOf, value: unknown): { text: string; back: unknown } {
  return encodeWith(doc, schema, value, `its new part ${part}`);
}

function encodeWith<T>(doc: StateDocument<unknown>, schema: z.ZodType<T>, value: T, what: string): { text: string; back: T } {
  const text = JSON.stringify(value) as string | undefined;
  const back = text === undefined ? { reason: 'not JSON' } : parse(schema, text);
  if (text === undefined || 'reason' in back)
    throw new MatteropsError('invalid', `state document ${doc.name} was not written: ${what} is ${'reason' in back ? back.reason : 'not JSON'}`);
  return { text, back: back.value };
}

const utf8 = new TextEncoder();
const nonAscii = /[^\x00-\x7f]/;

/** A string's length in UTF-8 bytes; most state is ASCII, whose length it is, found without encoding it. */
export const utf8Bytes = (s: string): number => (nonAscii.test(s) ? utf8.encode(s).length : s.length);

/** What a group of documents takes, as a ConfigMap's data counts it: every key and value, in UTF-8 bytes. */
export function groupBytes(data: Record<string, string>): number {
  let bytes = 0;
  for (const key in data) bytes += utf8Bytes(key) + utf8Bytes(data[key]!);
  return bytes;
}

/** Refuses (`invalid`) to write `document` when its group would take `bytes`, over maxStateGroupBytes. */
export function checkGroupSize(document: string, bytes: number, max = maxStateGroupBytes): void {
  if (bytes <= max) return;
  throw new GroupTooLarge(
    `state document ${document} was not written: its group would take ${Math.ceil(bytes / 1024)} KiB, over the ${max / 1024} KiB a group may take`,
    'the document must be kept smaller (prune it) or split into groups of their own',
  );
}
