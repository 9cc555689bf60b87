/**
 * In-memory StateStore; passes test/contract/state-store.contract.ts like the ConfigMap adapter.
 * Stores built on one FakeStateBackend share their documents (two replicas, one cluster), and
 * an update yields between its read and its write, so concurrent updates really conflict.
 */
import { MatteropsError } from '../../src/core/errors.ts';
import { DecodedDocuments } from '../../src/core/ports/decoded-documents.ts';
import { checkGroupSize, decodeDocument, encodeDocument } from '../../src/core/ports/state-codec.ts';
import { documentPlace, stateUpdateAttempts, UnreadableDocument, type StateDocument, type StateStore } from '../../src/core/ports/state-store.ts';

interface Group {
  data: Record<string, string>;
  version: number;
}

/** What every store on it sees: the stored text of each document, by group. */
export class FakeStateBackend {
  readonly groups = new Map<string, Group>();
  private versions = 0;

  /** Stores `text` under a document's name as it is (a hand edit, a corrupted document). */
  plant(document: string, text: string): void {
    const { group, item } = documentPlace(document);
    this.swap(group, this.groups.get(group)?.version, { ...this.groups.get(group)?.data, [item]: text });
  }

  /** Writes `data` if the group is still at `version` (undefined: absent); false otherwise. */
  swap(group: string, version: number | undefined, data: Record<string, string>): boolean {
    if (this.groups.get(group)?.version !== version) return false;
    this.groups.set(group, { data, version: ++this.versions });
    return true;
  }
}

export class FakeStateStore implements StateStore {
  readonly backend: FakeStateBackend;
  /** As the ConfigMap store does: a document unchanged since it was last read or written is not decoded again. */
  private readonly decoded = new DecodedDocuments();

  constructor(backend = new FakeStateBackend()) {
    this.backend = backend;
  }

  /** What is stored for `doc` right now, for a test to look at without awaiting; undefined when nothing is. */
  peek<T>(doc: StateDocument<T>): T | undefined {
    const { group, item } = documentPlace(doc.name);
    const text = this.backend.groups.get(group)?.data[item];
    return text === undefined ? undefined : decodeDocument(doc, text, { group, item });
  }

  async read<T>(doc: StateDocument<T>): Promise<{ value: T; version: string | undefined }> {
    await Promise.resolve();
    const { group, item } = documentPlace(doc.name);
    const stored = this.backend.groups.get(group);
    const text = stored?.data[item];
    if (text === undefined) return { value: doc.initial(), version: undefined };
    const version = String(stored?.version);
    return { value: this.decoded.decode(doc, text, version, { group, item }), version };
  }

  async update<T>(doc: StateDocument<T>, change: (current: T) => T, options: { overwriteUnreadable?: boolean } = {}): Promise<T> {
    const { group, item } = documentPlace(doc.name);
    for (let attempt = 1; attempt <= stateUpdateAttempts; attempt++) {
      const stored = this.backend.groups.get(group);
      const next = change(this.valueIn(doc, stored, options.overwriteUnreadable ?? false));
      const { text, back } = encodeDocument(doc, next);
      await Promise.resolve(); // another update may write meanwhile, as on the apiserver
      if (stored?.data[item] === text) return next;
      const data = { ...stored?.data, [item]: text };
      checkGroupSize(doc.name, data);
      if (this.backend.swap(group, stored?.version, data)) {
        this.decoded.wrote(doc, text, String(this.backend.groups.get(group)?.version), back);
        return next;
      }
    }
    throw new MatteropsError('conflict', `state document ${doc.name} changed under every one of ${stateUpdateAttempts} attempts to update it`);
  }

  private valueIn<T>(doc: StateDocument<T>, stored: Group | undefined, overwriteUnreadable: boolean): T {
    const { group, item } = documentPlace(doc.name);
    const text = stored?.data[item];
    if (text === undefined) return doc.initial();
    try {
      return this.decoded.decode(doc, text, String(stored?.version), { group, item });
    } catch (error) {
      if (overwriteUnreadable && error instanceof UnreadableDocument) return doc.initial();
      throw error;
    }
  }
}
