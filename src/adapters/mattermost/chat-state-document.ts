/**
 * The chat state as StateStore documents (docs/state.md): `chat-state/handled`, the snapshot
 * (chat-snapshot.ts), merged with what is stored on every save, so two leaders in a hand-over lose
 * nothing; and `chat-state/last-handled`, what matterops kept before issue 9 (the create time of
 * the last handled post, per channel), migrated once into a snapshot when there is none yet.
 */
import { z } from 'zod';
import type { StateDocument, StateStore } from '../../core/ports/state-store.ts';
import { ChatSnapshotSchema, emptySnapshot, mergeSnapshots, type ChatSnapshot, type ChatSnapshotLimits } from './chat-snapshot.ts';

export const handledPostsDocument: StateDocument<ChatSnapshot> = { name: 'chat-state/handled', schema: ChatSnapshotSchema, initial: emptySnapshot };

/** Before issue 9: channel id -> create time of its last handled post. */
const legacyDocument: StateDocument<Record<string, unknown>> = {
  name: 'chat-state/last-handled',
  schema: z.record(z.string(), z.unknown()),
  initial: () => ({}),
};

/** A pre-issue-9 state as a snapshot: everything up to its newest post counts as handled, and listened to. */
function fromLegacy(lastHandled: Record<string, unknown>): ChatSnapshot {
  const newest = Math.max(0, ...Object.values(lastHandled).filter((at): at is number => typeof at === 'number'));
  return { posts: {}, floor: newest, listeningUntil: newest };
}

/**
 * The stored snapshot (empty when none is); the first load after an upgrade from before issue 9
 * writes one from the old state. Throws UnreadableDocument when either cannot be read.
 */
export async function loadChatSnapshot(store: StateStore, now: number): Promise<ChatSnapshot> {
  const handled = await store.read(handledPostsDocument);
  if (handled.version !== undefined) return handled.value;
  const legacy = await store.read(legacyDocument);
  if (legacy.version === undefined) return handled.value;
  return store.update(handledPostsDocument, (current) => mergeSnapshots(current, fromLegacy(legacy.value), now));
}

/**
 * Merges `snapshot` into the stored one. An unreadable stored one is overwritten: the load
 * reported it, nothing in it can be kept, and a leader that cannot save would answer posts twice.
 * The merge keeps to the saver's limits, so what is stored is as bounded as what it holds.
 */
export function saveChatSnapshot(store: StateStore, snapshot: ChatSnapshot, now: number, limits?: ChatSnapshotLimits): Promise<ChatSnapshot> {
  return store.update(handledPostsDocument, (current) => mergeSnapshots(current, snapshot, now, limits), { overwriteUnreadable: true });
}
