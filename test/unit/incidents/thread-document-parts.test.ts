/**
 * The threads document is kept as parts (thread-document.ts): a record, a list and a list's item
 * each in a part of its own beside a head, so a batch that changes one incident rewrites that
 * incident's texts and the head, and every other stored text stays as it was (BENCHMARKS.md,
 * Incidents (a): the whole document was encoded and checked for every batch that posted).
 */
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/core/incidents/incident.ts';
import { itemOf, type ListRecord } from '../../../src/core/incidents/incident-list.ts';
import { freeName, threadsDocument, ThreadsSchema, type ThreadRecord, type Threads } from '../../../src/core/incidents/thread-document.ts';
import { documentKeys, partsTombstone } from '../../../src/core/ports/decoded-documents.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { UnreadableDocument, type StateDocument } from '../../../src/core/ports/state-store.ts';
import { ThreadsBatch } from '../../../src/core/incidents/threads-batch.ts';
import { FakeStateBackend, FakeStateStore } from '../../fakes/fake-state-store.ts';

const now = new Date('2026-12-03T06:00:00Z');
const incident = (n: number, title = `pod ${n} is crash-looping`): Incident => ({
  key: `crash-loop:ns${n}/mm:mattermost`,
  source: 'rules',
  installation: { namespace: `ns${n}`, name: 'mm' },
  rule: 'crash-loop',
  severity: 'warning',
  title,
  since: new Date('2026-12-03T05:50:00Z'),
  affected: [`mm-${n}`],
  evidence: { facts: [{ label: 'exit code', value: '1' }], lines: ['Back-off restarting failed container'] },
  state: 'open',
});
const record = (n: number, listedIn?: string): ThreadRecord => ({
  key: incident(n).key,
  channel: 'incidents',
  rootPostId: `root${n}`,
  incident: incident(n),
  notified: 'x',
  openedAt: new Date('2026-12-03T05:55:00Z'),
  ...(listedIn ? { listedIn } : {}),
});
const storm: ListRecord = {
  id: 'storm:incidents:2026-12-03T05:55:00.000Z',
  kind: 'storm',
  channel: 'incidents',
  rootPostId: 'list1',
  at: new Date('2026-12-03T05:55:00Z'),
  lastAddedAt: new Date('2026-12-03T05:56:00Z'),
  items: [4, 5, 6].map((n) => itemOf(incident(n))),
  more: 0,
};
const threads: Threads = {
  threads: [record(1), record(2), record(3), ...[4, 5, 6].map((n) => record(n, storm.id))],
  lists: [storm],
  watchedAt: new Date('2026-12-03T05:59:00Z'),
};

/** A store holding `threads`, and the texts it keeps of them now. */
async function stored(): Promise<{ store: FakeStateStore; texts: () => Record<string, string> }> {
  const store = new FakeStateStore(new FakeStateBackend());
  await store.update(threadsDocument, () => threads);
  return { store, texts: () => ({ ...store.backend.groups.get('incidents')?.data }) };
}

/** The keys whose text differs between two snapshots (added, changed or gone). */
function changed(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

describe('the threads document in parts', () => {
  it('reads back, in another store too, as it was written: records, lists and their items in their order, and when a leader watched', async () => {
    const { store } = await stored();
    expect((await store.read(threadsDocument)).value).toEqual(threads);
    expect((await new FakeStateStore(store.backend).read(threadsDocument)).value).toEqual(threads);
  });

  it('a batch that changes one incident rewrites its record and the head only', async () => {
    const { store, texts } = await stored();
    const before = texts();
    const batch = await ThreadsBatch.read(store, now);
    batch.keep({ ...batch.thread(record(2).key)!, notified: 'y' });
    await batch.commit(store, 30 * 60_000);
    const after = texts();
    expect(changed(before, after)).toHaveLength(2);
    expect(changed(before, after)).toContain('threads.head');
    expect(Object.keys(after)).toHaveLength(Object.keys(before).length);
    // The record moved to the end, as a save of the whole document left it.
    expect((await new FakeStateStore(store.backend).read(threadsDocument)).value.threads.map((t) => t.key)).toEqual(
      [1, 3, 4, 5, 6, 2].map((n) => record(n).key),
    );
  });

  it("a listed incident's change rewrites its record, its item, its list's head and the head only", async () => {
    const { store, texts } = await stored();
    const before = texts();
    const batch = await ThreadsBatch.read(store, now);
    const changedIncident = incident(5, 'pod 5 is crash-looping (3 restarts)');
    batch.keep({ ...batch.thread(changedIncident.key)!, incident: changedIncident });
    const list = batch.doc.lists[0]!;
    batch.keepLists([{ ...list, items: list.items.map((i) => (i.key === changedIncident.key ? itemOf(changedIncident) : i)) }]);
    await batch.commit(store, 30 * 60_000);
    expect(changed(before, texts())).toHaveLength(4);
    const read = (await new FakeStateStore(store.backend).read(threadsDocument)).value;
    expect(read.lists[0]?.items.map((i) => i.title)).toEqual(['pod 4 is crash-looping', 'pod 5 is crash-looping (3 restarts)', 'pod 6 is crash-looping']);
  });

  it('reads a whole threads.json kept before the parts, and the next save keeps it as parts', async () => {
    const backend = new FakeStateBackend();
    backend.plant(threadsDocument.name, JSON.stringify(threads));
    const store = new FakeStateStore(backend);
    expect((await store.read(threadsDocument)).value).toEqual(threads);
    const batch = await ThreadsBatch.read(store, now);
    batch.keep({ ...batch.thread(record(1).key)!, notified: 'y' });
    await batch.commit(store, 30 * 60_000);
    const data = backend.groups.get('incidents')?.data ?? {};
    expect(Object.keys(data)).toContain('threads.head');
    expect(data.threads).toBe(partsTombstone(threadsDocument, documentKeys('threads', '')));
    expect((await new FakeStateStore(backend).read(threadsDocument)).value.threads.map((t) => t.notified)).toEqual(['x', 'x', 'x', 'x', 'x', 'y']);
  });

  it('a version before the parts cannot read them and writes nothing; the empty threads.json it may have written beside them is ignored, once logged', async () => {
    const backend = new FakeStateBackend();
    await new FakeStateStore(backend).update(threadsDocument, () => threads);
    // The document as a version before the parts knew it: its whole schema, no parts.
    const before: StateDocument<Threads> = { name: threadsDocument.name, schema: ThreadsSchema, initial: threadsDocument.initial };
    const old = new FakeStateStore(backend);
    await expect(old.read(before)).rejects.toBeInstanceOf(UnreadableDocument);
    await expect(old.update(before, (doc) => doc)).rejects.toBeInstanceOf(UnreadableDocument);
    // What the version before the tombstone did: read threads.json as missing and save an empty document there.
    backend.plant(threadsDocument.name, JSON.stringify({ threads: [], lists: [] }));
    const warned: string[] = [];
    const logger = { ...silentLogger, warn: (_: Record<string, unknown>, message: string) => void warned.push(message) };
    const store = new FakeStateStore(backend, logger);
    expect((await store.read(threadsDocument)).value).toEqual(threads);
    expect((await store.read(threadsDocument)).value).toEqual(threads);
    expect(warned).toEqual([expect.stringContaining('is ignored')]);
    const batch = await ThreadsBatch.read(store, now);
    batch.keep({ ...batch.thread(record(1).key)!, notified: 'y' });
    await batch.commit(store, 30 * 60_000);
    expect((await new FakeStateStore(backend).read(threadsDocument)).value.threads).toHaveLength(6);
    expect(backend.groups.get('incidents')?.data.threads).toBe(partsTombstone(threadsDocument, documentKeys('threads', '')));
  });

  it('decodes only the parts the head names: a stray key that looks like a part is not read and cannot make the threads unreadable', async () => {
    const { store } = await stored();
    store.backend.plant(threadsDocument.name, '{"key": "not a record', 't-0000000000000000');
    expect((await new FakeStateStore(store.backend).read(threadsDocument)).value).toEqual(threads);
    const batch = await ThreadsBatch.read(store, now);
    batch.keep({ ...batch.thread(record(1).key)!, notified: 'y' });
    await batch.commit(store, 30 * 60_000);
    expect(Object.keys(store.backend.groups.get('incidents')?.data ?? {})).not.toContain('threads.t-0000000000000000'); // dropped by the save
  });

  it('a record or list item the head names that cannot be read is left out and logged once, the rest read, and the next save drops it', async () => {
    const { store, texts } = await stored();
    const [recordKey, itemKey] = [
      Object.keys(texts()).find((k) => texts()[k]!.includes('"root2"'))!,
      Object.keys(texts()).find((k) => k.startsWith('threads.i-'))!,
    ];
    store.backend.plant(threadsDocument.name, '{"key": "hunter2"}', recordKey.slice('threads.'.length));
    store.backend.plant(threadsDocument.name, 'not JSON', itemKey.slice('threads.'.length));
    const errors: Record<string, unknown>[] = [];
    const logger = { ...silentLogger, error: (fields: Record<string, unknown>) => void errors.push(fields) };
    const reader = new FakeStateStore(store.backend, logger);
    const read = (await reader.read(threadsDocument)).value;
    expect(read.threads.map((t) => t.rootPostId)).toEqual(['root1', 'root3', 'root4', 'root5', 'root6']);
    expect(read.lists[0]!.items).toHaveLength(2);
    store.backend.plant(threadsDocument.name, JSON.stringify(''), 'unrelated'); // another version of the group, the same bad texts
    await reader.read(threadsDocument);
    expect(errors.map((e) => e.key).sort()).toEqual([itemKey, recordKey].sort());
    expect(JSON.stringify(errors)).not.toContain('hunter2');
    const batch = await ThreadsBatch.read(reader, now);
    batch.keep({ ...batch.thread(record(1).key)!, notified: 'y' });
    await batch.commit(reader, 30 * 60_000);
    expect(Object.keys(texts())).not.toContain(recordKey);
    expect(Object.keys(texts())).not.toContain(itemKey);
    const again = (await new FakeStateStore(store.backend).read(threadsDocument)).value;
    expect(again.threads).toHaveLength(5);
    expect(again.lists[0]!.items).toHaveLength(2);
  });

  it('two records, or two items of a list, whose part names clash take the next free suffix, the same for the same order', () => {
    // A clash of the 64-bit hashes cannot be found for a test; two records of one key give the same name the same way.
    const twin = { ...record(2), rootPostId: 'twin' };
    const clashing: Threads = { ...threads, threads: [...threads.threads, twin], lists: [{ ...storm, items: [...storm.items, storm.items[0]!] }] };
    const parts = threadsDocument.parts!.split(clashing);
    const head = parts.get('head') as { threads: string[]; lists: string[] };
    expect(head.threads[6]).toBe(`${head.threads[1]}-2`);
    const listHead = parts.get(head.lists[0]!) as { items: string[] };
    expect(listHead.items[3]).toBe(`${listHead.items[0]}-2`);
    expect([...threadsDocument.parts!.split(clashing).keys()]).toEqual([...parts.keys()]);
    expect(
      freeName(
        new Map([
          ['t-a', 1],
          ['t-a-2', 2],
        ]),
        't-a',
      ),
    ).toBe('t-a-3');
  });

  it('a batch keeps two incidents whose part names clash: every later save works and both read back', async () => {
    const store = new FakeStateStore(new FakeStateBackend());
    const twin = { ...record(2), rootPostId: 'twin' };
    await store.update(threadsDocument, () => ({ ...threads, threads: [...threads.threads, twin] }));
    await store.update(threadsDocument, (doc) => ({ ...doc, threads: doc.threads.map((t) => (t.rootPostId === 'twin' ? { ...t, notified: 'y' } : t)) }));
    const read = (await new FakeStateStore(store.backend).read(threadsDocument)).value;
    expect(read.threads.map((t) => `${t.rootPostId}:${t.notified}`)).toEqual(['root1:x', 'root2:x', 'root3:x', 'root4:x', 'root5:x', 'root6:x', 'twin:y']);
  });

  it("over the group's size cap, a save drops the oldest records' timelines first until it fits, and says so, instead of failing", async () => {
    const backend = new FakeStateBackend();
    const entries = (n: number) => Array.from({ length: 20 }, (_, i) => ({ at: now, text: `update ${n}.${i} ${'z'.repeat(180)}` }));
    // Record n opened at minute n: 1 is the oldest.
    const full: Threads = {
      ...threads,
      threads: threads.threads.map((t, i) => ({ ...t, openedAt: new Date(now.getTime() - (10 - i) * 60_000), timeline: entries(i + 1) })),
    };
    await new FakeStateStore(backend).update(threadsDocument, () => full);
    const bytes = Object.entries(backend.groups.get('incidents')!.data).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
    const warned: Record<string, unknown>[] = [];
    const logger = { ...silentLogger, warn: (fields: Record<string, unknown>) => void warned.push(fields) };
    // Room for about half the timelines: the oldest must give theirs up.
    const store = new FakeStateStore(backend, logger, bytes - 2.5 * 20 * 200);
    const batch = await ThreadsBatch.read(store, now);
    batch.keep({ ...batch.thread(record(6).key)!, notified: 'y' });
    await batch.commit(store, 30 * 60_000, logger);
    const read = (await new FakeStateStore(backend).read(threadsDocument)).value;
    expect(read.threads.find((t) => t.key === record(6).key)?.notified).toBe('y');
    expect(read.threads.map((t) => t.timeline?.length ?? 0)).toEqual([0, 0, 0, 0, 20, 20]);
    expect(warned).toEqual([expect.objectContaining({ stripped: 4 })]);
    // A cap nothing fits under still refuses, and keeps what was stored.
    const tiny = new FakeStateStore(backend, logger, 1024);
    const again = await ThreadsBatch.read(tiny, now);
    again.keep({ ...again.thread(record(1).key)!, notified: 'z' });
    await expect(again.commit(tiny, 30 * 60_000, logger)).rejects.toThrow('over the 1 KiB');
  });
});
