/**
 * Issue 9, item 14: which chat posts were handled is a bounded, expiring set of post ids kept in the
 * cluster, not the newest create time per channel; saving it never fails silently.
 */
import { describe, expect, it } from 'vitest';
import { handledPostsDocument } from '../../../src/adapters/mattermost/chat-state-document.ts';
import { ChatState } from '../../../src/adapters/mattermost/chat-state.ts';
import type { Logger } from '../../../src/core/ports/logger.ts';
import type { StateStore } from '../../../src/core/ports/state-store.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeStateStore } from '../../fakes/fake-state-store.ts';

const hour = 3_600_000;
const post = (id: string, createAt: number, channel = 'c1') => ({ id, channel_id: channel, create_at: createAt });

/** A state store in memory that can be made to fail, and records how often it was asked to save. */
function memoryStore(failures = 0) {
  const fake = new FakeStateStore();
  const attempts: string[] = [];
  const store: StateStore = {
    read: (doc) => fake.read(doc),
    update: (doc, change, options) => {
      attempts.push(doc.name);
      if (failures-- > 0) return Promise.reject(new Error('configmaps "matterops-chat-state" is forbidden'));
      return fake.update(doc, change, options);
    },
  };
  const stored = (): string | undefined => fake.backend.groups.get('chat-state')?.data['handled'];
  return { store, saved: () => JSON.parse(stored() ?? 'null') as { posts: Record<string, number> } | undefined, attempts };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (_: Record<string, unknown>, message: string): void => {
    lines.push(message);
  };
  return { lines, info: record, warn: record, error: record };
}

describe('the chat state', () => {
  it('still answers an older missed post after a newer post of its channel was handled', async () => {
    const clock = new FakeClock();
    const now = clock.now().getTime();
    const state = await ChatState.load(memoryStore().store, { logger: recordingLogger(), clock });
    expect(state.claim(post('live', now - 1_000))).toBe(true); // arrived live during the catch-up
    expect(state.claim(post('missed', now - 60_000))).toBe(true); // found by the catch-up afterwards
    expect(state.claim(post('live', now - 1_000))).toBe(false);
  });

  it('does not answer a post again after a restart, and forgets nothing it saved', async () => {
    const clock = new FakeClock();
    const now = clock.now().getTime();
    const { store } = memoryStore();
    const first = await ChatState.load(store, { logger: recordingLogger(), clock });
    expect(first.claim(post('p1', now - 5_000))).toBe(true);
    await first.flushed();
    const second = await ChatState.load(store, { logger: recordingLogger(), clock });
    expect(second.claim(post('p1', now - 5_000))).toBe(false);
    expect(second.claim(post('p2', now - 10_000))).toBe(true);
  });

  it('stays bounded: old entries expire and the count is capped', async () => {
    const clock = new FakeClock();
    let now = clock.now().getTime();
    const { store, saved } = memoryStore();
    const state = await ChatState.load(store, { logger: recordingLogger(), clock, maxPosts: 100 });
    for (let i = 0; i < 50; i++) state.claim(post(`old${i}`, now - i));
    await clock.advance(25 * hour); // a day later the first ones have expired
    now = clock.now().getTime();
    for (let i = 0; i < 500; i++) state.claim(post(`new${i}`, now - 1_000 + i));
    await state.flushed();
    const ids = Object.keys(saved()?.posts ?? {});
    expect(ids.length).toBeLessThanOrEqual(100);
    expect(ids.some((id) => id.startsWith('old'))).toBe(false);
    expect(ids).toContain('new499');
    // An entry dropped for the count is still not answered again.
    expect(state.claim(post('new0', now - 1_000))).toBe(false);
  });

  it('retries a failed save after a backoff on its clock, and says so in the log', async () => {
    const clock = new FakeClock();
    const now = clock.now().getTime();
    const { store, saved, attempts } = memoryStore(2);
    const logger = recordingLogger();
    const state = await ChatState.load(store, { logger, clock, retryMs: 1_000 });
    state.claim(post('p1', now - 1_000));
    await clock.advance(999);
    expect(attempts).toHaveLength(1); // not before the first backoff (1 s) has passed on the clock
    await clock.advance(1);
    expect(attempts).toHaveLength(2);
    await clock.advance(2_000); // the backoff doubles
    await state.flushed();
    expect(attempts).toHaveLength(3);
    expect(Object.keys(saved()?.posts ?? {})).toEqual(['p1']);
    expect(logger.lines.filter((l) => l.includes('saving'))).toHaveLength(2);
  });

  it('catches up from shortly before the last time a leader was listening, never before the kept window', async () => {
    const clock = new FakeClock();
    let now = clock.now().getTime();
    const { store } = memoryStore();
    const state = await ChatState.load(store, { logger: recordingLogger(), clock });
    expect(state.catchUpFrom()).toBeUndefined(); // no leader ever listened: nothing to catch up
    state.markListening();
    await state.flushed();
    const listenedAt = now;
    await clock.advance(10 * 60_000);
    now = clock.now().getTime();
    const next = await ChatState.load(store, { logger: recordingLogger(), clock });
    const from = next.catchUpFrom() ?? 0;
    expect(from).toBeLessThan(listenedAt);
    expect(from).toBeGreaterThan(listenedAt - 5 * 60_000);
    await clock.advance(3 * 24 * hour);
    now = clock.now().getTime();
    expect(next.catchUpFrom()).toBeGreaterThanOrEqual(now - 24 * hour);
  });

  it('starts empty from a document the store cannot read, but never from a store it cannot reach', async () => {
    const clock = new FakeClock();
    const now = clock.now().getTime();
    const unreadable = new FakeStateStore();
    unreadable.backend.plant('chat-state/handled', '{"posts": {"p1": 17');
    const logger = recordingLogger();
    const state = await ChatState.load(unreadable, { logger, clock });
    expect(state.catchUpFrom()).toBeUndefined();
    expect(state.claim(post('p1', now - 1_000))).toBe(true);
    expect(logger.lines).toHaveLength(1);
    // Unreachable is not unreadable: taking it for empty would answer handled posts again.
    const unreachable: StateStore = {
      read: () => Promise.reject(new Error('connect ECONNREFUSED')),
      update: () => Promise.reject(new Error('connect ECONNREFUSED')),
    };
    await expect(ChatState.load(unreachable, { logger, clock })).rejects.toThrow('ECONNREFUSED');
  });

  it('starts from what a matterops before issue 9 kept (the last handled post per channel), migrated into the snapshot once', async () => {
    const clock = new FakeClock();
    const now = clock.now().getTime();
    const store = new FakeStateStore();
    store.backend.plant('chat-state/last-handled', JSON.stringify({ c1: now - 60_000, c2: now - 10_000 }));
    const state = await ChatState.load(store, { logger: recordingLogger(), clock });
    expect(store.peek(handledPostsDocument)).toEqual({ posts: {}, floor: now - 10_000, listeningUntil: now - 10_000 });
    expect(state.claim(post('old', now - 10_000))).toBe(false); // at or below the old state's newest post
    expect(state.claim(post('new', now - 5_000))).toBe(true);
    await state.flushed();
    // The old state is read no more once the snapshot exists, however it changes.
    store.backend.plant('chat-state/last-handled', JSON.stringify({ c1: now }));
    const next = await ChatState.load(store, { logger: recordingLogger(), clock });
    expect(next.claim(post('newer', now - 1_000))).toBe(true);
  });
});
