/**
 * A state document in its group's stored texts (one ConfigMap's data, or the fake's), for every
 * StateStore alike: where its text or its parts are (DocumentKeys), how they decode and encode
 * (state-codec.ts), and the last decoded value of each document, kept with the stored version and
 * texts it was decoded from, so a store reads a document that nobody wrote since (the leader's own
 * last write, most often) without decoding it again: JSON.parse and the schema of the incidents'
 * threads were most of the incident watch's work (BENCHMARKS.md, Incidents (a)). A write keeps the
 * value its read-back check decoded, at the version the write made.
 *
 * A document with parts (DocumentParts) is kept part by part: a read decodes only the parts whose
 * text changed, a write encodes and checks only the parts that are not the very values kept.
 * Once its head is stored the parts are the document: a whole text beside them is a version
 * before the parts writing where it used to (a rolling update, a rollback), and is ignored. A
 * write of parts puts a tombstone in the whole text's key (partsTombstone) that no version before
 * the parts can read, so such a version fails closed (unreadable) rather than start from empty.
 *
 * Values handed out are shared by every reader, so they are deeply frozen, Dates included (their
 * setters throw): a caller that changed one would change what the next read returns.
 */
import { MatteropsError } from '../errors.ts';
import { silentLogger, type Logger } from './logger.ts';
import { checkGroupSize, decodeDocument, decodePart, encodeDocument, encodePart, groupBytes, utf8Bytes } from './state-codec.ts';
import { headPart, maxStateGroupBytes, partName, UnreadableDocument, type StateDocument } from './state-store.ts';
import { documentKeys, type DocumentKeys } from './document-keys.ts';
import { frozen } from './frozen.ts';

export { documentKeys, type DocumentKeys };

/** Where a stored text is, in the store's own terms (for UnreadableDocument), by its key. */
export type Where = (key: string) => Record<string, string>;

type Data = Readonly<Record<string, string>>;

interface Stored {
  text: string;
  value: unknown;
  /** The text's UTF-8 bytes, for the group's size. */
  bytes: number;
}

interface Decoded {
  version: string;
  /** The whole text, or each part's text and value. */
  whole?: string;
  parts?: ReadonlyMap<string, Stored>;
  value: unknown;
}

/** A write to make (its group within maxStateGroupBytes): the group's data with the document's new texts, and what to call once it is stored. */
export interface DocumentWrite {
  readonly data: Record<string, string>;
  /** It was stored, making `version` (undefined: not known; nothing is kept). */
  wrote(version: string | undefined): void;
}

/** A group's stored texts and the version they are at (undefined: not known, or nothing stored). */
export interface StoredGroup {
  readonly data: Data | undefined;
  readonly version: string | undefined;
}

/**
 * What a document with parts keeps in its whole text's key: a JSON string, which the whole
 * schema of every document (an object) refuses, so a version before the parts reads the document
 * as unreadable and writes nothing, rather than read it as absent and overwrite the parts' key
 * with an empty document. (Checked on that version's code, 6904eb2: its store reads threads.json
 * holding this as UnreadableDocument, "expected object, received string", and its update throws
 * the same and writes nothing.) Without a head, the tombstone reads as nothing stored.
 */
export function partsTombstone(doc: StateDocument<unknown>, keys: DocumentKeys): string {
  return JSON.stringify(`${doc.name} is kept in parts, named by ${keys.part(headPart)}: this version of matterops is older than that`);
}

export class DecodedDocuments {
  private readonly kept = new Map<string, Decoded>();
  /** Documents whose stray whole text was logged (once per store, not once per read). */
  private readonly strayLogged = new Set<string>();
  /** Parts left out as unreadable, with the text logged (logged again only when it changes). */
  private readonly droppedLogged = new Map<string, string>();
  private readonly logger: Logger;

  private readonly maxGroupBytes: number;

  /** `maxGroupBytes`: the cap of a group's texts (a unit test's fake may make it small). */
  constructor(logger: Logger = silentLogger, maxGroupBytes = maxStateGroupBytes) {
    this.logger = logger;
    this.maxGroupBytes = maxGroupBytes;
  }

  /** The document's value in the group; undefined when nothing of it is stored. Throws UnreadableDocument. */
  read<T>(doc: StateDocument<T>, group: StoredGroup, keys: DocumentKeys, where: Where): T | undefined {
    const whole = group.data?.[keys.whole];
    if (doc.parts && group.data?.[keys.part(headPart)] !== undefined) {
      if (whole !== undefined && whole !== partsTombstone(doc, keys)) this.logStray(doc, where(keys.whole));
      return this.readParts(doc, group, keys, where);
    }
    // No head: a whole text kept before the parts (read, and replaced by them at the next write).
    if (whole === undefined || (doc.parts && whole === partsTombstone(doc, keys))) return undefined;
    return this.readWhole(doc, whole, group.version, where(keys.whole));
  }

  private logStray(doc: StateDocument<unknown>, where: Record<string, string>): void {
    if (this.strayLogged.has(doc.name)) return;
    this.strayLogged.add(doc.name);
    this.logger.warn(
      { document: doc.name, ...where },
      'a whole text beside the parts of a state document (a version before the parts wrote it?) is ignored; the next update replaces it',
    );
  }

  /**
   * The write of `value` into `data`; undefined when it would store the texts already there.
   * Refuses (`invalid`) a value that would not read back, or a group that would be too large.
   */
  write<T>(doc: StateDocument<T>, value: T, data: Data | undefined, keys: DocumentKeys): DocumentWrite | undefined {
    if (!doc.parts) {
      const { text, back } = encodeDocument(doc, value);
      if (data?.[keys.whole] === text) return undefined;
      const next = { ...data, [keys.whole]: text };
      checkGroupSize(doc.name, groupBytes(next), this.maxGroupBytes);
      return { data: next, wrote: (version) => this.keep(doc, version, { whole: text, value: frozen(back) }) };
    }
    const parts = this.encodeParts(doc, value);
    const next = dataWith(data, keys, parts, partsTombstone(doc, keys));
    if (!next) return undefined;
    checkGroupSize(doc.name, next.bytes, this.maxGroupBytes);
    let back: T;
    try {
      back = frozen(joined(doc, parts, {}));
    } catch (error) {
      throw new MatteropsError('invalid', `state document ${doc.name} was not written: ${(error as UnreadableDocument).reason}`);
    }
    return { data: next.data, wrote: (version) => this.keep(doc, version, { parts, value: back }) };
  }

  private readWhole<T>(doc: StateDocument<T>, text: string, version: string | undefined, where: Record<string, string>): T {
    const kept = this.kept.get(doc.name);
    if (kept && version !== undefined && kept.version === version && kept.whole === text) return kept.value as T;
    const value = frozen(decodeDocument(doc, text, where));
    if (version !== undefined) this.kept.set(doc.name, { version, whole: text, value });
    return value;
  }

  private readParts<T>(doc: StateDocument<T>, { data, version }: StoredGroup, keys: DocumentKeys, where: Where): T | undefined {
    const kept = this.kept.get(doc.name);
    // A version names one content of the group (the ConfigMap's resourceVersion, the fake's count):
    // unchanged, its parts need not even be looked at, which for hundreds of them cost as much as a
    // small document's decode.
    if (kept?.parts && version !== undefined && kept.version === version) return kept.value as T;
    return this.decodeParts(doc, { data, version }, keys, where);
  }

  private decodeParts<T>(doc: StateDocument<T>, { data, version }: StoredGroup, keys: DocumentKeys, where: Where): T | undefined {
    const kept = this.kept.get(doc.name);
    const parts = new Map<string, Stored>();
    const dropped = new Set<string>();
    if (doc.parts!.named) this.decodeNamed(doc, data ?? {}, { keys, where }, { parts, dropped });
    else {
      const texts = partTexts(doc, data ?? {}, keys);
      if (!texts.size) return undefined;
      for (const [part, text] of texts) parts.set(part, this.decodedPart(doc, kept?.parts?.get(part), { part, text }, where(keys.part(part))));
    }
    const value = frozen(joined(doc, parts, where(keys.whole), dropped));
    if (version !== undefined) this.kept.set(doc.name, { version, parts, value });
    return value;
  }

  /** The head and the parts it names, transitively (DocumentParts.named), into `into`; a droppable one that cannot be decoded into `dropped`, logged. */
  private decodeNamed(
    doc: StateDocument<unknown>,
    data: Data,
    { keys, where }: { keys: DocumentKeys; where: Where },
    into: { parts: Map<string, Stored>; dropped: Set<string> },
  ): void {
    const kept = this.kept.get(doc.name)?.parts;
    const queue = [headPart];
    for (let i = 0; i < queue.length; i++) {
      const part = queue[i]!;
      const text = data[keys.part(part)];
      // Missing (or named twice): join says what it lacks.
      if (text === undefined || into.parts.has(part) || into.dropped.has(part) || !doc.parts!.schema(part)) continue;
      const stored = this.droppableDecode(doc, kept?.get(part), { part, text }, where(keys.part(part)));
      if (!stored) {
        into.dropped.add(part);
        continue;
      }
      into.parts.set(part, stored);
      queue.push(...doc.parts!.named!(part, stored.value));
    }
  }

  /** decodedPart; undefined (logged once for the text) for a droppable part that cannot be decoded. */
  private droppableDecode(
    doc: StateDocument<unknown>,
    before: Stored | undefined,
    stored: { part: string; text: string },
    where: Record<string, string>,
  ): Stored | undefined {
    try {
      return this.decodedPart(doc, before, stored, where);
    } catch (error) {
      if (!(error instanceof UnreadableDocument) || stored.part === headPart || !doc.parts!.droppable?.(stored.part)) throw error;
      const logged = `${doc.name}\n${stored.part}`;
      if (this.droppedLogged.get(logged) !== stored.text) {
        if (this.droppedLogged.size >= 1_000) this.droppedLogged.clear();
        this.droppedLogged.set(logged, stored.text);
        this.logger.error(
          { document: doc.name, ...where, reason: error.reason },
          'an unreadable part of a state document is left out (its record is lost); the next update drops it',
        );
      }
      return undefined;
    }
  }

  /** A part as stored: the value decoded before when its text is unchanged (whoever wrote the rest), else decoded. */
  private decodedPart(
    doc: StateDocument<unknown>,
    before: Stored | undefined,
    { part, text }: { part: string; text: string },
    where: Record<string, string>,
  ): Stored {
    if (before?.text === text) return before;
    return { text, value: frozen(decodePart(doc, { part, schema: doc.parts!.schema(part)! }, text, where)), bytes: utf8Bytes(text) };
  }

  /** The value's parts, each with its text: the very value kept (handed out frozen, or written) has its stored text and is not encoded again. */
  private encodeParts<T>(doc: StateDocument<T>, value: T): Map<string, Stored> {
    const kept = this.kept.get(doc.name)?.parts;
    const parts = new Map<string, Stored>();
    for (const [part, v] of doc.parts!.split(value)) {
      const before = kept?.get(part);
      if (before && before.value === v) {
        parts.set(part, before);
        continue;
      }
      const schema = partName.test(part) ? doc.parts!.schema(part) : undefined;
      if (!schema) throw new Error(`state document ${doc.name}: its split gave a part ${JSON.stringify(part)} it has no schema for`);
      const { text, back } = encodePart(doc, { part, schema }, v);
      parts.set(part, { text, value: frozen(back), bytes: utf8Bytes(text) });
    }
    if (!parts.has(headPart)) throw new Error(`state document ${doc.name}: its split gave no part ${headPart}, which says it is kept in parts`);
    return parts;
  }

  private keep(doc: StateDocument<unknown>, version: string | undefined, decoded: Omit<Decoded, 'version'>): void {
    if (version === undefined) this.kept.delete(doc.name);
    else this.kept.set(doc.name, { ...decoded, version });
  }
}

/** The stored texts of the document's parts, by part (those its schema knows). */
function partTexts(doc: StateDocument<unknown>, data: Data, keys: DocumentKeys): Map<string, string> {
  const texts = new Map<string, string>();
  for (const key in data) {
    const part = keys.partOf(key);
    if (part !== undefined && doc.parts?.schema(part)) texts.set(part, data[key]!);
  }
  return texts;
}

/**
 * The group's data with the document's texts replaced by `parts` (parts it no longer has dropped,
 * its whole text the tombstone), and the bytes it takes (the parts' counted once, when they were
 * made); undefined when that is what is stored.
 */
function dataWith(
  data: Data | undefined,
  keys: DocumentKeys,
  parts: ReadonlyMap<string, Stored>,
  tombstone: string,
): { data: Record<string, string>; bytes: number } | undefined {
  const byKey = new Map<string, Stored>();
  for (const [part, stored] of parts) byKey.set(keys.part(part), stored);
  byKey.set(keys.whole, { text: tombstone, value: undefined, bytes: utf8Bytes(tombstone) });
  const next: Record<string, string> = {};
  let same = true;
  let kept = 0;
  let bytes = 0;
  for (const key in data) {
    const mine = byKey.get(key);
    if (mine) {
      kept++;
      if (mine.text !== data[key]) same = false;
    } else if (keys.partOf(key) !== undefined) {
      same = false; // a part it no longer has: dropped
    } else {
      next[key] = data[key]!; // another document's, or not matterops's
      bytes += utf8Bytes(key) + utf8Bytes(next[key]);
    }
  }
  if (same && kept === byKey.size) return undefined;
  for (const [key, { text, bytes: partBytes }] of byKey) {
    next[key] = text;
    bytes += utf8Bytes(key) + partBytes;
  }
  return { data: next, bytes };
}

/** The document joined from its parts; a join that fails is an unreadable document. */
function joined<T>(doc: StateDocument<T>, parts: ReadonlyMap<string, Stored>, where: Record<string, string>, dropped?: ReadonlySet<string>): T {
  const values = new Map<string, unknown>();
  for (const [part, { value }] of parts) values.set(part, value);
  try {
    return doc.parts!.join(values, dropped);
  } catch (error) {
    throw new UnreadableDocument(doc.name, where, `its parts do not make one: ${(error as Error).message}`);
  }
}
