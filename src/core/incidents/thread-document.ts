/**
 * The incidents' threads as kept in the cluster (StateStore document `incidents/threads`,
 * docs/state.md): every open incident and every one resolved within the cool-down, with its
 * channel, its root post's id once made, and the state last notified. A new leader reads it so it
 * neither reposts an open incident nor forgets to resolve one that cleared while no one watched;
 * a resolved one is kept without its evidence (keptRecord).
 * It also keeps the list posts that stand for several incidents' roots (incident-list.ts) and
 * when a leader last watched (the start-up baseline's gap).
 */
import { z } from 'zod';
import type { DocumentParts, StateDocument } from '../ports/state-store.ts';
import { IncidentSchema } from './incident.ts';
import { ListItemSchema, ListRecordSchema, type ListItem, type ListRecord } from './incident-list.ts';
import { LogTailSchema } from './log-tail.ts';
import { TimelineEntrySchema } from './thread-timeline.ts';

export const ThreadRecordSchema = z.object({
  key: z.string(),
  channel: z.string(),
  /** Undefined until the root is made (Mattermost down): a next leader posts it again. */
  rootPostId: z.string().optional(),
  incident: IncidentSchema,
  /** notifiedState() of what the thread shows now. */
  notified: z.string(),
  /** When its root (or its line in a storm post) was made: the storm counts the incidents opened in its window. */
  openedAt: z.coerce.date().optional(),
  /** The list post (incident-list.ts) that stands for its root: its changes are replies there. */
  listedIn: z.string().optional(),
  /** The previous container's log tail its root shows (log-tail.ts), and the id of the file the root carries. */
  logTail: LogTailSchema.optional(),
  /** What the thread has said since the root, oldest first, the newest `timelineKept` (the root's card shows it). */
  timeline: z.array(TimelineEntrySchema).optional(),
});
export type ThreadRecord = z.infer<typeof ThreadRecordSchema>;

export const ThreadsSchema = z.object({
  threads: z.array(ThreadRecordSchema),
  /** The baseline and storm posts whose incidents are still kept. */
  lists: z.array(ListRecordSchema).default([]),
  /** When a leader last said it watches (every quarter of the baseline gap): older than the gap, the next look is a baseline. */
  watchedAt: z.coerce.date().optional(),
});
export type Threads = z.infer<typeof ThreadsSchema>;

/** The part that names the others, in the document's order, and keeps when a leader last watched. */
const HeadSchema = z.object({ threads: z.array(z.string()), lists: z.array(z.string()), watchedAt: z.coerce.date().optional() });
/** A list without its items, which are parts of their own: it names them, in its order. */
const ListHeadSchema = ListRecordSchema.omit({ items: true }).extend({ items: z.array(z.string()) });

const partSchemas: Record<string, z.ZodType | undefined> = { 't-': ThreadRecordSchema, 'l-': ListHeadSchema, 'i-': ListItemSchema };

/**
 * The head part each list read back was joined from: a list nobody changed (the same frozen
 * object) splits into that very part, which the store then does not encode again.
 */
const listHeads = new WeakMap<ListRecord, unknown>();

/**
 * Kept as parts (ports/state-store.ts DocumentParts): one per record (`t-<hash of its key>`), one
 * per list (`l-<hash of its id>`) and per item of a list (`i-<hash of both>`), and the head, so a
 * batch that changes two incidents encodes and checks their records, their items, the heads of
 * their lists and the head, not the whole document (BENCHMARKS.md, Incidents (a)).
 */
const threadParts: DocumentParts<Threads> = {
  split(value) {
    const parts = new Map<string, unknown>();
    const add = (name: string, part: unknown): string => {
      const free = freeName(parts, name);
      parts.set(free, part);
      return free;
    };
    const threads = value.threads.map((t) =>
      add(
        named(t, () => `t-${hashed(t.key)}`),
        t,
      ),
    );
    const lists = value.lists.map((l) => {
      const items = l.items.map((i) =>
        add(
          named(i, () => `i-${hashed(`${l.id}\n${i.key}`)}`, l.id),
          i,
        ),
      );
      const before = listHeads.get(l) as { items: readonly string[] } | undefined;
      return add(
        named(l, () => `l-${hashed(l.id)}`),
        before && sameNames(before.items, items) ? before : { ...l, items },
      );
    });
    add('head', { threads, lists, ...(value.watchedAt ? { watchedAt: value.watchedAt } : {}) });
    return parts;
  },
  schema: (part) => (part === 'head' ? HeadSchema : partSchemas[part.slice(0, 2)]),
  named: (part, value) => {
    if (part === 'head') return [...(value as z.infer<typeof HeadSchema>).threads, ...(value as z.infer<typeof HeadSchema>).lists];
    return part.startsWith('l-') ? (value as z.infer<typeof ListHeadSchema>).items : [];
  },
  // A record or a list's item that cannot be read loses that incident's thread, not every one's.
  droppable: (part) => part.startsWith('t-') || part.startsWith('i-'),
  join(parts, dropped = new Set()) {
    const kept = (name: string): boolean => !dropped.has(name);
    const named = <P>(name: string): P => {
      const part = parts.get(name);
      if (part === undefined) throw new Error(`the part ${name} is missing`);
      return part as P;
    };
    const head = named<z.infer<typeof HeadSchema>>('head');
    const lists = head.lists.map((n) => {
      const listHead = named<z.infer<typeof ListHeadSchema>>(n);
      const list = { ...listHead, items: listHead.items.filter(kept).map((i) => named<ListItem>(i)) };
      // With an item left out, its head names it: the next split makes the head anew.
      if (list.items.length === listHead.items.length) listHeads.set(list, listHead);
      return list;
    });
    const doc: Threads = { threads: head.threads.filter(kept).map((n) => named<ThreadRecord>(n)), lists };
    return head.watchedAt ? { ...doc, watchedAt: head.watchedAt } : doc;
  },
};

export const threadsDocument: StateDocument<Threads> = {
  name: 'incidents/threads',
  schema: ThreadsSchema,
  initial: () => ({ threads: [], lists: [] }),
  parts: threadParts,
};

/**
 * The part name of each record, list and item the store handed out (frozen, so its key cannot
 * change): a batch splits every one of them again, most of them unchanged.
 */
const names = new WeakMap<object, { name: string; within: string }>();

/** The part's name; an item's depends on its list too (`within`), should one item object be in two. */
function named(part: object, name: () => string, within = ''): string {
  if (!Object.isFrozen(part)) return name();
  let known = names.get(part);
  if (known?.within !== within) names.set(part, (known = { name: name(), within }));
  return known.name;
}

/**
 * `name`, or when a part already has it the first free `<name>-<n>` from 2: part names are hashes
 * of keys (Alertmanager's group keys among them, which a sender shapes), and the head names every
 * part, so a clash costs a suffix rather than every later save. The same records in the same
 * order get the same names.
 */
export function freeName(parts: ReadonlyMap<string, unknown>, name: string): string {
  if (!parts.has(name)) return name;
  let n = 2;
  while (parts.has(`${name}-${n}`)) n++;
  return `${name}-${n}`;
}

const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

/** 16 hex digits of a string (two 32-bit FNV-1a hashes): a part name of its own for every key a document holds. */
function hashed(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/**
 * A record as the document keeps it. A resolved incident is kept for the cool-down only so a
 * relapse finds its thread (channel, root post id, list, notified state) and a digest can name it
 * (title, since, resolvedAt): its evidence and its alerts are dropped, so the document does not
 * grow with the evidence of everything resolved in the last half hour. A relapse's reply and the
 * edited root show the relapse's own evidence.
 */
export function keptRecord(record: ThreadRecord): ThreadRecord {
  if (record.incident.state !== 'resolved' || (!record.incident.alertGroup && !hasEvidence(record.incident.evidence))) return record;
  const incident = { ...record.incident, evidence: { facts: [], lines: [] } };
  delete incident.alertGroup;
  return { ...record, incident };
}

const hasEvidence = (e: ThreadRecord['incident']['evidence']): boolean => e.facts.length > 0 || e.lines.length > 0;
