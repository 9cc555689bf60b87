/**
 * What matterops keeps between restarts and shares between replicas (handled chat posts today;
 * schedules, notification routes, mutes, open incidents next): named documents, each with a zod
 * schema, read whole and updated with compare-and-swap, so two replicas never lose each other's
 * writes. `serve` keeps them in ConfigMaps of the state namespace (docs/state.md); unit tests use
 * test/fakes/fake-state-store.ts. Both pass test/contract/state-store.contract.ts.
 */
import { dnsLabelSource } from '../model/patterns.ts';
import type { z } from 'zod';
import { MatteropsError } from '../errors.ts';

/**
 * A document: its name, the shape it must have, and its value before anything was stored.
 *
 * A name is `<group>/<item>`, each a lowercase DNS label (`chat-state/handled`). Documents of one
 * group are kept together (one ConfigMap): they share its size limit, and an update of one may
 * conflict with an update of another (and is then re-applied), so unrelated documents belong in
 * groups of their own.
 */
export interface StateDocument<T> {
  readonly name: string;
  readonly schema: z.ZodType<T>;
  readonly initial: () => T;
  /** Kept as named parts rather than one text (DocumentParts); `schema` then reads only a whole text kept before. */
  readonly parts?: DocumentParts<T>;
}

/**
 * A large document kept as parts, each stored on its own under the document's name (in the
 * ConfigMap, the key `<item>.<part>.json`), so that an update encodes, checks and freezes only the
 * parts it changed: a part that is the very value the store handed out (or wrote) is known, and
 * keeps its stored text. The incidents' threads rewrote all of their records for every batch that
 * posted (BENCHMARKS.md, Incidents (a)); as parts, a batch rewrites the records it changed.
 *
 * Still one document: read whole, updated whole with one compare-and-swap (all its parts are in
 * one group). Its head, the part named `head` (headPart), is always among them: a store reads the
 * parts whenever the head is stored. Without a head, a whole text under the document's own name
 * (kept before it had parts) is read with `schema` and replaced by the parts at the next update;
 * beside a head, it is ignored (a version before the parts wrote it), and the parts' writes keep a
 * tombstone there that such a version cannot read (ports/decoded-documents.ts partsTombstone).
 */
export interface DocumentParts<T> {
  /** The value's parts by name (a lowercase DNS label); every part of the value, none twice. */
  split(value: T): ReadonlyMap<string, unknown>;
  /** The schema of the part so named; undefined: no part of this document (a stored one is ignored, and dropped by the next update). */
  schema(part: string): z.ZodType | undefined;
  /**
   * The value from its parts as read back; throws (an Error saying what is missing) when they do
   * not make one. `dropped`: named parts left out as unreadable (`droppable`), to do without.
   */
  join(parts: ReadonlyMap<string, unknown>, dropped?: ReadonlySet<string>): T;
  /**
   * The parts a part read back names (the head its records, a list its items): given, a store
   * decodes the head and what it names, transitively, and nothing else (a stray key costs nothing
   * and cannot make the document unreadable); not given, every stored part `schema` knows.
   */
  named?(part: string, value: unknown): readonly string[];
  /**
   * A named part (`named`) whose text cannot be decoded may be left out (one record lost, logged
   * as an error) rather than make the whole document unreadable; the next update drops its key.
   */
  droppable?(part: string): boolean;
}

/** The part every document with parts has (split gives it), whose presence says the document is kept in parts. */
export const headPart = 'head';

/** What a part may be named. */
export const partName = new RegExp(`^${dnsLabelSource}$`);

/** A document's value and the stored version it was read at (undefined: nothing is stored yet). */
export interface Versioned<T> {
  readonly value: T;
  readonly version: string | undefined;
}

export interface UpdateOptions {
  /**
   * When what is stored cannot be read, start from `initial()` and overwrite it, instead of
   * throwing UnreadableDocument. Only for documents whose loss is less harm than being stuck
   * (the handled chat posts: a deaf leader is worse than a post answered twice).
   */
  overwriteUnreadable?: boolean;
}

export interface StateStore {
  /** The stored value, or `initial()` when nothing is stored; throws UnreadableDocument. */
  read<T>(doc: StateDocument<T>): Promise<Versioned<T>>;
  /**
   * Reads the document, applies `change` and writes the result if nothing was written since the
   * read; on a conflict it reads again and re-applies `change` (so `change` must be pure), a
   * bounded number of times (then a `conflict` MatteropsError). Resolves with the value written.
   * Throws UnreadableDocument (unless `overwriteUnreadable`), and refuses with `invalid` a result
   * that fails the schema or would make its group larger than `maxStateGroupBytes`: nothing is
   * written then.
   */
  update<T>(doc: StateDocument<T>, change: (current: T) => T, options?: UpdateOptions): Promise<T>;
}

/**
 * The most a group of documents may take, serialised. A ConfigMap holds at most 1 MiB; half of it
 * leaves room for metadata and for a document that grows between two prunes.
 */
export const maxStateGroupBytes = 512 * 1024;

/** How many times `update` re-reads after a conflict before giving up. */
export const stateUpdateAttempts = 8;

const documentName = new RegExp(`^(${dnsLabelSource})/(${dnsLabelSource})$`);

/** A document name split into its group and item; throws on a name that is not `<group>/<item>`. */
export function documentPlace(name: string): { group: string; item: string } {
  const match = documentName.exec(name);
  if (!match?.[1] || !match[3]) throw new Error(`state document name ${JSON.stringify(name)} is not <group>/<item> of lowercase DNS labels`);
  return { group: match[1], item: match[3] };
}

/** A write refused (`invalid`) because its group would pass its size cap (maxStateGroupBytes): a caller may store less. */
export class GroupTooLarge extends MatteropsError {
  constructor(message: string, hint: string) {
    super('invalid', message, hint);
    this.name = 'GroupTooLarge';
  }
}

/**
 * What is stored under a document's name is not a value of its schema (not JSON, or of another
 * shape, say after a hand edit). `where` says where it is, in the store's own terms.
 */
export class UnreadableDocument extends MatteropsError {
  readonly document: string;
  readonly where: Record<string, string>;
  readonly reason: string;

  constructor(document: string, where: Record<string, string>, reason: string) {
    super(
      'internal',
      `the stored state document ${document} (${Object.values(where).join(', ')}) is unreadable: ${reason}`,
      'fix or delete it (docs/state.md says where it is kept)',
    );
    this.name = 'UnreadableDocument';
    this.document = document;
    this.where = where;
    this.reason = reason;
  }
}
