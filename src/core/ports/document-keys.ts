/**
 * Where a state document's texts are among its group's keys (one ConfigMap's data, or the fake's):
 * its whole text, and one key per part when it is kept in parts (decoded-documents.ts).
 */

/** How a store names a document's texts among its group's keys. */
export interface DocumentKeys {
  /** The key of its whole text (a document with parts: kept before it had them). */
  readonly whole: string;
  /** The key of one of its parts. */
  part(name: string): string;
  /** The part a key holds; undefined for a key of anything else. */
  partOf(key: string): string | undefined;
}

const keysMade = new Map<string, DocumentKeys>();

/** The keys of item `<item>` in a group whose keys end in `suffix`: `<item><suffix>`, and `<item>.<part><suffix>` for its parts. */
export function documentKeys(item: string, suffix: string): DocumentKeys {
  const made = keysMade.get(`${item}${suffix}`);
  if (made) return made;
  const prefix = `${item}.`;
  // A write names every part's key: made once per part, not once per write.
  const partKeys = new Map<string, string>();
  const keys: DocumentKeys = {
    whole: `${item}${suffix}`,
    part(name) {
      let key = partKeys.get(name);
      if (key === undefined) {
        if (partKeys.size >= 10_000) partKeys.clear();
        partKeys.set(name, (key = `${prefix}${name}${suffix}`));
      }
      return key;
    },
    // Any name: the document's schema of its parts tells its own (the rest it ignores).
    partOf: (key) =>
      key.length > prefix.length + suffix.length && key.startsWith(prefix) && key.endsWith(suffix)
        ? key.slice(prefix.length, key.length - suffix.length)
        : undefined,
  };
  keysMade.set(keys.whole, keys);
  return keys;
}
