/**
 * What every StateStore promises (issue 10, item 4), run against the ConfigMap adapter on the real
 * apiserver (test/cluster/state-store.test.ts) and the fake (test/unit/fake-state-store.test.ts).
 * Each test uses groups of its own, so the cluster run can share one namespace.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { maxStateGroupBytes, UnreadableDocument, type StateDocument, type StateStore } from '../../src/core/ports/state-store.ts';

export interface StateStoreUnderTest {
  /** Two stores over the same storage, as two replicas have. */
  stores: readonly [StateStore, StateStore];
  /** Stores `text` under a document's name (or as one of its parts) as it is, past the store (a hand edit). */
  plant: (document: string, text: string, part?: string) => Promise<void>;
}

const TallySchema = z.object({ count: z.number().int(), seen: z.array(z.string()) });
type Tally = z.infer<typeof TallySchema>;
const DatedSchema = z.object({ at: z.coerce.date(), seen: z.array(z.string()) });
type Dated = z.infer<typeof DatedSchema>;

/** A document of a group nobody else uses. */
const tally = (item = 'tally', group = `g${randomBytes(4).toString('hex')}`): StateDocument<Tally> => ({
  name: `${group}/${item}`,
  schema: TallySchema,
  initial: () => ({ count: 0, seen: [] }),
});
const see =
  (who: string) =>
  (t: Tally): Tally => ({ count: t.count + 1, seen: [...t.seen, who] });

/** A document with parts: a head naming its entries in order, and one part per entry (`e-<id>`). */
const EntrySchema = z.object({ id: z.string(), n: z.number().int(), note: z.string().optional() });
type Entry = z.infer<typeof EntrySchema>;
interface Roster {
  entries: readonly Entry[];
}
const RosterHeadSchema = z.object({ ids: z.array(z.string()) });
function roster(item = 'roster', group = `g${randomBytes(4).toString('hex')}`, entrySchema: z.ZodType<Entry> = EntrySchema): StateDocument<Roster> {
  return {
    name: `${group}/${item}`,
    schema: z.object({ entries: z.array(EntrySchema) }),
    initial: () => ({ entries: [] }),
    parts: {
      split: (r) => new Map<string, unknown>([['head', { ids: r.entries.map((e) => e.id) }], ...r.entries.map((e) => [`e-${e.id}`, e] as const)]),
      schema: (part) => (part === 'head' ? RosterHeadSchema : part.startsWith('e-') ? entrySchema : undefined),
      join(parts) {
        const head = parts.get('head') as z.infer<typeof RosterHeadSchema> | undefined;
        if (!head) throw new Error('no head');
        return {
          entries: head.ids.map((id) => {
            const e = parts.get(`e-${id}`) as Entry | undefined;
            if (!e) throw new Error(`the part e-${id} is missing`);
            return e;
          }),
        };
      },
    },
  };
}
const bump =
  (id: string) =>
  (r: Roster): Roster => ({
    entries: r.entries.some((e) => e.id === id) ? r.entries.map((e) => (e.id === id ? { id, n: e.n + 1 } : e)) : [...r.entries, { id, n: 1 }],
  });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

export function stateStoreContract(label: string, make: () => StateStoreUnderTest): void {
  describe(`StateStore contract: ${label}`, () => {
    it('reads an absent document as its initial value, not stored yet', async () => {
      const {
        stores: [store],
      } = make();
      expect(await store.read(tally())).toEqual({ value: { count: 0, seen: [] }, version: undefined });
    });

    it('reads back what an update wrote, from another store too', async () => {
      const {
        stores: [a, b],
      } = make();
      const doc = tally();
      expect(await a.update(doc, see('a'))).toEqual({ count: 1, seen: ['a'] });
      expect(await a.update(doc, see('a2'))).toEqual({ count: 2, seen: ['a', 'a2'] });
      const read = await b.read(doc);
      expect(read.value).toEqual({ count: 2, seen: ['a', 'a2'] });
      expect(read.version).toEqual(expect.any(String));
    });

    it('loses no update when two stores update one document at the same time', async () => {
      const {
        stores: [a, b],
      } = make();
      const doc = tally();
      const writers = ['a1', 'b1', 'a2', 'b2', 'a3', 'b3'];
      await Promise.all(writers.map((w) => (w.startsWith('a') ? a : b).update(doc, see(w))));
      const { value } = await a.read(doc);
      expect(value.count).toBe(writers.length);
      expect([...value.seen].sort()).toEqual([...writers].sort());
    });

    it('reports a stored document that is not JSON, without quoting it, and overwrites it only when told', async () => {
      const {
        stores: [store],
        plant,
      } = make();
      const doc = tally();
      await plant(doc.name, '{"count": 1, "seen": ["hunter2"');
      const error = await rejection(store.read(doc));
      expect(error).toBeInstanceOf(UnreadableDocument);
      expect((error as UnreadableDocument).document).toBe(doc.name);
      expect((error as UnreadableDocument).reason).toBe('not JSON');
      expect((error as Error).message).not.toContain('hunter2');
      expect(await rejection(store.update(doc, see('x')))).toBeInstanceOf(UnreadableDocument);
      expect(await rejection(store.read(doc))).toBeInstanceOf(UnreadableDocument); // the update wrote nothing
      expect(await store.update(doc, see('x'), { overwriteUnreadable: true })).toEqual({ count: 1, seen: ['x'] });
      expect((await store.read(doc)).value).toEqual({ count: 1, seen: ['x'] });
    });

    it('reports a stored document that fails its schema, naming the field and not the value', async () => {
      const {
        stores: [store],
        plant,
      } = make();
      const doc = tally();
      await plant(doc.name, JSON.stringify({ count: 'hunter2', seen: [] }));
      const error = await rejection(store.read(doc));
      expect(error).toBeInstanceOf(UnreadableDocument);
      expect((error as UnreadableDocument).reason).toContain('count');
      expect((error as Error).message).not.toContain('hunter2');
    });

    it('refuses to write a value that fails the schema, and keeps what was stored', async () => {
      const {
        stores: [store],
      } = make();
      const doc = tally();
      await store.update(doc, see('a'));
      const error = await rejection(store.update(doc, (t) => ({ ...t, count: 1.5 })));
      expect(error).toMatchObject({ code: 'invalid' });
      expect((await store.read(doc)).value).toEqual({ count: 1, seen: ['a'] });
    });

    it(`refuses a group larger than ${maxStateGroupBytes / 1024} KiB, and keeps what was stored`, async () => {
      const {
        stores: [store],
      } = make();
      const doc = tally();
      await store.update(doc, see('a'));
      const big = 'x'.repeat(maxStateGroupBytes);
      const error = await rejection(store.update(doc, (t) => ({ ...t, seen: [...t.seen, big] })));
      expect(error).toMatchObject({ code: 'invalid' });
      expect((error as Error).message).toContain(doc.name);
      expect((await store.read(doc)).value).toEqual({ count: 1, seen: ['a'] });
    });

    it('writes nothing for an update that changes nothing', async () => {
      const {
        stores: [store],
      } = make();
      const doc = tally();
      await store.update(doc, see('a'));
      const before = await store.read(doc);
      expect(await store.update(doc, (t) => t)).toEqual(before.value);
      expect((await store.read(doc)).version).toBe(before.version);
    });

    it('keeps documents apart by name: other groups, and other items of the same group', async () => {
      const {
        stores: [a, b],
      } = make();
      const group = `g${randomBytes(4).toString('hex')}`;
      const [one, two, elsewhere] = [tally('one', group), tally('two', group), tally('one')];
      await Promise.all([a.update(one, see('a')), b.update(two, see('b')), a.update(elsewhere, see('e'))]);
      expect((await b.read(one)).value).toEqual({ count: 1, seen: ['a'] });
      expect((await a.read(two)).value).toEqual({ count: 1, seen: ['b'] });
      expect((await b.read(elsewhere)).value).toEqual({ count: 1, seen: ['e'] });
      expect((await a.read(tally('three', group))).value).toEqual({ count: 0, seen: [] });
    });

    it('hands out values no caller can change: what it reads and updates next is what is stored', async () => {
      const {
        stores: [store, other],
      } = make();
      const doc: StateDocument<Dated> = {
        name: `g${randomBytes(4).toString('hex')}/dated`,
        schema: DatedSchema,
        initial: () => ({ at: new Date(0), seen: [] }),
      };
      await store.update(doc, (d) => ({ at: new Date('2026-12-02T10:00:00Z'), seen: [...d.seen, 'a'] }));
      for (let round = 0; round < 2; round++) {
        // Read twice: a store that keeps what it decoded hands the same value out again.
        const { value } = await store.read(doc);
        const tries = [() => value.seen.push('mallory'), () => (value.seen[0] = 'mallory'), () => value.at.setTime(0), () => (value.at = new Date(0))];
        for (const change of tries) {
          try {
            change();
          } catch {
            // refused: as good as a copy
          }
        }
      }
      const stored = { at: new Date('2026-12-02T10:00:00Z'), seen: ['a'] };
      expect((await store.read(doc)).value).toEqual(stored);
      expect(await store.update(doc, (d) => d)).toEqual(stored);
      expect((await other.read(doc)).value).toEqual(stored);
      // And it still sees what another store writes.
      await other.update(doc, (d) => ({ ...d, seen: [...d.seen, 'b'] }));
      expect((await store.read(doc)).value).toEqual({ ...stored, seen: ['a', 'b'] });
    });

    it('decodes a document again only when it was written since: its own write and its reads are not decoded twice', async () => {
      const {
        stores: [store, other],
      } = make();
      let decodes = 0;
      const counted = TallySchema.transform((t) => (decodes++, t));
      const doc: StateDocument<Tally> = { ...tally(), schema: counted };
      await store.update(doc, see('a')); // the written text is read back once, to check it
      expect(decodes).toBe(1);
      for (let i = 0; i < 3; i++) expect((await store.read(doc)).value).toEqual({ count: 1, seen: ['a'] });
      await store.update(doc, see('b'));
      expect(decodes).toBe(2);
      await other.update(doc, see('c')); // another store: it decodes what it reads, and what it wrote
      expect(decodes).toBe(4);
      expect((await store.read(doc)).value).toEqual({ count: 3, seen: ['a', 'b', 'c'] });
      expect(decodes).toBe(5);
    });

    it('keeps a document with parts: reads back what an update wrote, from another store too, and loses no concurrent update', async () => {
      const {
        stores: [a, b],
      } = make();
      const doc = roster();
      expect(await a.read(doc)).toEqual({ value: { entries: [] }, version: undefined });
      await a.update(doc, bump('x'));
      await Promise.all(['y', 'x', 'z', 'y'].map((id, i) => (i % 2 ? a : b).update(doc, bump(id))));
      const expected = { entries: [{ id: 'x', n: 2 }, expect.anything(), expect.anything()] };
      const read = await b.read(doc);
      expect(read.value).toEqual(expected);
      expect(read.version).toEqual(expect.any(String));
      expect([...read.value.entries].sort((p, q) => p.id.localeCompare(q.id))).toEqual([
        { id: 'x', n: 2 },
        { id: 'y', n: 2 },
        { id: 'z', n: 1 },
      ]);
      expect((await a.read(doc)).value).toEqual(read.value);
      // A part the value no longer has is gone: what is read is the value written, nothing more.
      await b.update(doc, (r) => ({ entries: r.entries.filter((e) => e.id !== 'y') }));
      expect((await a.read(doc)).value.entries.map((e) => e.id).sort()).toEqual(['x', 'z']);
      const before = await a.read(doc);
      expect(await a.update(doc, (r) => ({ entries: [...r.entries] }))).toEqual(before.value);
      expect((await a.read(doc)).version).toBe(before.version); // the same parts: nothing written
    });

    it('decodes and checks only the parts of a document that changed', async () => {
      const {
        stores: [store, other],
      } = make();
      let decodes = 0;
      const doc = roster(
        'roster',
        undefined,
        EntrySchema.transform((e) => (decodes++, e)),
      );
      await store.update(doc, (r) => ({ entries: [...r.entries, { id: 'a', n: 1 }, { id: 'b', n: 1 }, { id: 'c', n: 1 }] }));
      expect(decodes).toBe(3); // each written part read back once, to check it
      await store.update(doc, bump('b'));
      expect(decodes).toBe(4); // b only: a and c are the values it handed out
      expect((await store.read(doc)).value.entries.map((e) => e.n)).toEqual([1, 2, 1]);
      expect(decodes).toBe(4);
      await other.update(doc, bump('c')); // another store decodes what it reads (3), then checks what it wrote (c)
      expect(decodes).toBe(8);
      expect((await store.read(doc)).value.entries.map((e) => e.n)).toEqual([1, 2, 2]);
      expect(decodes).toBe(9); // c only, the part another store changed
    });

    it('reports a part that is not JSON or not of its shape naming the part, not the value, and a part its head names that is missing', async () => {
      const {
        stores: [store],
        plant,
      } = make();
      const doc = roster();
      await store.update(doc, (r) => ({ entries: [...r.entries, { id: 'a', n: 1 }, { id: 'b', n: 1 }] }));
      await plant(doc.name, '{"id": "a", "n": "hunter2"}', 'e-a');
      const error = await rejection(store.read(doc));
      expect(error).toBeInstanceOf(UnreadableDocument);
      expect((error as UnreadableDocument).document).toBe(doc.name);
      expect((error as UnreadableDocument).reason).toContain('e-a');
      expect((error as UnreadableDocument).reason).toContain('n');
      expect((error as Error).message).not.toContain('hunter2');
      expect(await rejection(store.update(doc, bump('b')))).toBeInstanceOf(UnreadableDocument);
      await plant(doc.name, '{"id": "a", "n": 5}', 'e-a');
      expect((await store.read(doc)).value.entries).toEqual([
        { id: 'a', n: 5 },
        { id: 'b', n: 1 },
      ]);
      await plant(doc.name, JSON.stringify({ ids: ['a', 'b', 'gone'] }), 'head');
      const missing = await rejection(store.read(doc));
      expect(missing).toBeInstanceOf(UnreadableDocument);
      expect((missing as UnreadableDocument).reason).toContain('e-gone is missing');
      expect(await store.update(doc, () => ({ entries: [{ id: 'new', n: 1 }] }), { overwriteUnreadable: true })).toEqual({ entries: [{ id: 'new', n: 1 }] });
      expect((await store.read(doc)).value).toEqual({ entries: [{ id: 'new', n: 1 }] });
    });

    it('refuses a value with a part that fails its schema, naming the part, and keeps what was stored', async () => {
      const {
        stores: [store],
      } = make();
      const doc = roster();
      await store.update(doc, bump('a'));
      const error = await rejection(store.update(doc, (r) => ({ entries: [...r.entries, { id: 'b', n: 1.5 }] })));
      expect(error).toMatchObject({ code: 'invalid' });
      expect((error as Error).message).toContain('e-b');
      expect((await store.read(doc)).value).toEqual({ entries: [{ id: 'a', n: 1 }] });
    });

    it(`refuses a document with parts whose group would pass ${maxStateGroupBytes / 1024} KiB in UTF-8 bytes, and keeps what was stored`, async () => {
      const {
        stores: [store],
      } = make();
      const doc = roster();
      await store.update(doc, bump('a'));
      // 0.6 of the limit in characters, 1.2 in bytes: each é takes two.
      const note = 'é'.repeat((maxStateGroupBytes * 0.6) / 2);
      const error = await rejection(store.update(doc, (r) => ({ entries: [...r.entries, { id: 'b', n: 1, note }, { id: 'c', n: 1, note }] })));
      expect(error).toMatchObject({ code: 'invalid' });
      expect((error as Error).message).toContain(doc.name);
      expect((await store.read(doc)).value).toEqual({ entries: [{ id: 'a', n: 1 }] });
      expect((await store.update(doc, (r) => ({ entries: [...r.entries, { id: 'b', n: 1, note }] }))).entries).toHaveLength(2);
    });

    it('reads a whole text kept before a document had parts, and replaces it by its parts at the next update', async () => {
      const {
        stores: [store, other],
        plant,
      } = make();
      const doc = roster();
      await plant(doc.name, JSON.stringify({ entries: [{ id: 'a', n: 1 }] }));
      expect((await store.read(doc)).value).toEqual({ entries: [{ id: 'a', n: 1 }] });
      await store.update(doc, bump('b'));
      expect((await other.read(doc)).value).toEqual({
        entries: [
          { id: 'a', n: 1 },
          { id: 'b', n: 1 },
        ],
      });
      // The whole text is a tombstone: the same name without parts (a version before them) cannot
      // read it, and so writes nothing, rather than read it as absent and start from empty.
      const whole: StateDocument<Roster> = { name: doc.name, schema: doc.schema, initial: doc.initial };
      expect(await rejection(other.read(whole))).toBeInstanceOf(UnreadableDocument);
      expect(await rejection(other.update(whole, () => ({ entries: [] })))).toBeInstanceOf(UnreadableDocument);
      expect((await store.read(doc)).value.entries.map((e) => e.id)).toEqual(['a', 'b']);
    });

    it('both present: the parts win over a whole text a version before the parts wrote beside them, and the next update replaces it', async () => {
      const {
        stores: [store, other],
        plant,
      } = make();
      const doc = roster();
      await store.update(doc, (r) => ({ entries: [...r.entries, { id: 'a', n: 1 }, { id: 'b', n: 1 }] }));
      // An older replica (rolling update, rollback) that read the whole text as missing writes an empty document there.
      await plant(doc.name, JSON.stringify({ entries: [] }));
      for (const s of [store, other]) expect((await s.read(doc)).value.entries.map((e) => e.id)).toEqual(['a', 'b']);
      expect((await other.update(doc, bump('c'))).entries.map((e) => e.id)).toEqual(['a', 'b', 'c']);
      expect((await store.read(doc)).value.entries.map((e) => e.id)).toEqual(['a', 'b', 'c']);
      const whole: StateDocument<Roster> = { name: doc.name, schema: doc.schema, initial: doc.initial };
      expect(await rejection(store.read(whole))).toBeInstanceOf(UnreadableDocument); // the empty text is gone: a tombstone again
    });

    it('refuses a name that is not <group>/<item>', async () => {
      const {
        stores: [store],
      } = make();
      for (const name of ['tally', 'Chat/state', 'a/b/c', '-a/b', 'a/']) {
        await expect(store.read({ ...tally(), name })).rejects.toThrow('is not <group>/<item>');
      }
    });
  });
}
