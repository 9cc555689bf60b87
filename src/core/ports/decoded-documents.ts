/**
 * The last decoded value of each state document, kept with the stored version and text it was
 * decoded from, so a store reads a document that nobody wrote since (the leader's own last write,
 * most often) without decoding it again: JSON.parse and the schema of the incidents' threads were
 * most of the incident watch's work (BENCHMARKS.md, Incidents (a)). A write keeps the value its
 * read-back check decoded (state-codec.ts `encodeDocument`), at the version the write made.
 *
 * Values handed out are shared by every reader, so they are deeply frozen, Dates included (their
 * setters throw): a caller that changed one would change what the next read returns.
 */
import { decodeDocument } from './state-codec.ts';
import type { StateDocument } from './state-store.ts';

interface Decoded {
  version: string;
  text: string;
  value: unknown;
}

export class DecodedDocuments {
  private readonly kept = new Map<string, Decoded>();

  /** The value stored as `text` at `version`: the one kept when both are unchanged, else decoded (throws UnreadableDocument). */
  decode<T>(doc: StateDocument<T>, text: string, version: string | undefined, where: Record<string, string>): T {
    const kept = this.kept.get(doc.name);
    if (kept && version !== undefined && kept.version === version && kept.text === text) return kept.value as T;
    const value = frozen(decodeDocument(doc, text, where));
    if (version !== undefined) this.kept.set(doc.name, { version, text, value });
    return value;
  }

  /** A value just written as `text`, which made the stored `version` (undefined: not known, nothing kept). */
  wrote<T>(doc: StateDocument<T>, text: string, version: string | undefined, value: T): void {
    if (version === undefined) this.kept.delete(doc.name);
    else this.kept.set(doc.name, { version, text, value: frozen(value) });
  }
}

/** A Date whose setters throw: a frozen object's own fields cannot change, but a Date's time is no field. */
class FrozenDate extends Date {
  static {
    for (const name of Object.getOwnPropertyNames(Date.prototype))
      if (name.startsWith('set'))
        Object.defineProperty(FrozenDate.prototype, name, {
          value(): never {
            throw new TypeError(`a state document's value is shared and frozen: ${name} of one of its dates`);
          },
        });
  }
}

/** `value` with every object and array frozen and every Date a FrozenDate (in place: it was just decoded, nobody else has it). */
function frozen<T>(value: T): T {
  if (value instanceof Date) return Object.freeze(new FrozenDate(value.getTime())) as T;
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) fields[key] = frozen(fields[key]);
  return Object.freeze(value);
}
