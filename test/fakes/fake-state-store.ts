/**
 * In-memory StateStore; passes test/contract/state-store.contract.ts like the ConfigMap adapter.
 * Stores built on one FakeStateBackend share their documents (two replicas, one cluster), and
 * an update yields between its read and its write, so concurrent updates really conflict.
 */
import { MatteropsError } from '../../src/core/errors.ts';
import { silentLogger, type Logger } from '../../src/core/ports/logger.ts';
import { DecodedDocuments, documentKeys, type Where } from '../../src/core/ports/decoded-documents.ts';
import { documentPlace, stateUpdateAttempts, UnreadableDocument, type StateDocument, type StateStore } from '../../src/core/ports/state-store.ts';

interface Group {
  data: Record<string, string>;
  version: number;
}

/** What every store on it sees: the stored text of each document, by group. */
export class FakeStateBackend {
  readonly groups = new Map<string, Group>();
  private versions = 0;

  /** Stores `text` under a document's name (or as one of its parts) as it is (a hand edit, a corrupted document). */
  plant(document: string, text: string, part?: string): void {
    const { group, item } = documentPlace(document);
    const keys = documentKeys(item, '');
    this.swap(group, this.groups.get(group)?.version, { ...this.groups.get(group)?.data, [part === undefined ? keys.whole : keys.part(part)]: text });
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
  private readonly decoded: DecodedDocuments;

  /** `maxGroupBytes`: a cap smaller than the cluster's, to test what a caller does when a group is full. */
  constructor(backend = new FakeStateBackend(), logger: Logger = silentLogger, maxGroupBytes?: number) {
    this.backend = backend;
    this.decoded = new DecodedDocuments(logger, maxGroupBytes);
  }

  /** What is stored for `doc` right now, for a test to look at without awaiting; undefined when nothing is. */
  peek<T>(doc: StateDocument<T>): T | undefined {
    const { group, item } = documentPlace(doc.name);
    return new DecodedDocuments().read(doc, { data: this.backend.groups.get(group)?.data, version: undefined }, documentKeys(item, ''), where(group));
  }

  async read<T>(doc: StateDocument<T>): Promise<{ value: T; version: string | undefined }> {
    await Promise.resolve();
    const { group } = documentPlace(doc.name);
    const stored = this.backend.groups.get(group);
    const value = this.valueIn(doc, stored, false);
    return value === undefined ? { value: doc.initial(), version: undefined } : { value, version: String(stored?.version) };
  }

  async update<T>(doc: StateDocument<T>, change: (current: T) => T, options: { overwriteUnreadable?: boolean } = {}): Promise<T> {
    const { group, item } = documentPlace(doc.name);
    for (let attempt = 1; attempt <= stateUpdateAttempts; attempt++) {
      const stored = this.backend.groups.get(group);
      const next = change(this.valueIn(doc, stored, options.overwriteUnreadable ?? false) ?? doc.initial());
      const write = this.decoded.write(doc, next, stored?.data, documentKeys(item, ''));
      await Promise.resolve(); // another update may write meanwhile, as on the apiserver
      if (!write) return next;
      if (this.backend.swap(group, stored?.version, write.data)) {
        write.wrote(String(this.backend.groups.get(group)?.version));
        return next;
      }
    }
    throw new MatteropsError('conflict', `state document ${doc.name} changed under every one of ${stateUpdateAttempts} attempts to update it`);
  }

  /** The document's value in `stored` (undefined when absent); unreadable throws, or counts as absent when the caller overwrites it. */
  private valueIn<T>(doc: StateDocument<T>, stored: Group | undefined, overwriteUnreadable: boolean): T | undefined {
    const { group, item } = documentPlace(doc.name);
    try {
      return this.decoded.read(doc, { data: stored?.data, version: stored && String(stored.version) }, documentKeys(item, ''), where(group));
    } catch (error) {
      if (overwriteUnreadable && error instanceof UnreadableDocument) return undefined;
      throw error;
    }
  }
}

const where =
  (group: string): Where =>
  (key) => ({ group, key });
