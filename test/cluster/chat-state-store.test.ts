/**
 * Issue 9, item 14: the chat state in its ConfigMap on the real apiserver: what one leader saves the
 * next one loads; two writers at once lose nothing (a conflict is merged, not overwritten); the
 * document stays bounded; the state of an older matterops is read as a starting point; a document
 * nobody can read does not keep a new leader deaf; and a bot upgraded from before the StateStore
 * (issue 10, item 4) finds the chat state where that one kept it, and leaves it readable there.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createConfigMapStateStore } from '../../src/adapters/kubernetes/configmap-state-store.ts';
import type { ChatSnapshot } from '../../src/adapters/mattermost/chat-snapshot.ts';
import { ChatState } from '../../src/adapters/mattermost/chat-state.ts';
import { loadChatSnapshot, saveChatSnapshot } from '../../src/adapters/mattermost/chat-state-document.ts';
import { systemClock } from '../../src/core/ports/clock.ts';
import type { Logger } from '../../src/core/ports/logger.ts';
import { kubeConfig, testNamespace } from '../support/sandbox.ts';

const kc = kubeConfig();
const bot = kubeConfig('sandbox-bot');
const now = Date.now();
const posts = (prefix: string, n: number, at = now): Record<string, number> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, at - i]));
let namespace = '';

/** Records the error lines, with their fields. */
function errorLines(): Logger & { errors: { fields: Record<string, unknown>; message: string }[] } {
  const errors: { fields: Record<string, unknown>; message: string }[] = [];
  const ignore = (): void => undefined;
  return {
    errors,
    info: ignore,
    warn: ignore,
    error: (fields, message) => {
      errors.push({ fields, message });
    },
  };
}

async function corruptStateIn(ns: string, data: Record<string, string>): Promise<void> {
  await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'matterops-chat-state' }, data } });
}

beforeAll(async () => {
  namespace = await testNamespace('chatstate');
});

/** The chat state's load and save over the ConfigMap StateStore of `ns`, as the bot. */
function chatStateIn(ns: string) {
  const store = createConfigMapStateStore(bot, ns);
  return {
    store,
    load: () => loadChatSnapshot(store, Date.now()),
    save: (snapshot: ChatSnapshot) => saveChatSnapshot(store, snapshot, Date.now()),
  };
}

describe('the chat state ConfigMap', () => {
  it('loads what was saved, and nothing before anything was', async () => {
    const store = chatStateIn(await testNamespace('chatstate'));
    expect(await store.load()).toEqual({ posts: {}, floor: 0, listeningUntil: 0 });
    await store.save({ posts: { p1: now - 5 }, floor: 0, listeningUntil: now });
    expect(await store.load()).toEqual({ posts: { p1: now - 5 }, floor: 0, listeningUntil: now });
  });

  it('keeps what two writers saved at the same time', async () => {
    const [a, b] = [chatStateIn(namespace), chatStateIn(namespace)];
    await Promise.all([
      a.save({ posts: posts('a', 20), floor: 0, listeningUntil: now - 1_000 }),
      b.save({ posts: posts('b', 20), floor: 0, listeningUntil: now }),
    ]);
    const loaded = await a.load();
    expect(Object.keys(loaded.posts).filter((id) => /^[ab]\d+$/.test(id))).toHaveLength(40);
    expect(loaded.listeningUntil).toBe(now);
  });

  it('stays bounded however much is saved: old entries expire, the newest are kept', async () => {
    const ns = await testNamespace('chatstate');
    const store = chatStateIn(ns);
    await store.save({ posts: { ...posts('old', 100, now - 2 * 24 * 3_600_000), ...posts('new', 5_000) }, floor: 0, listeningUntil: now });
    const loaded = await store.load();
    const ids = Object.keys(loaded.posts);
    expect(ids.length).toBeLessThanOrEqual(3_000);
    expect(ids.some((id) => id.startsWith('old'))).toBe(false);
    expect(ids).toContain('new0');
    expect(loaded.floor).toBeGreaterThan(now - 5_000); // the dropped ones still count as handled
    const map = await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: ns, name: 'matterops-chat-state' });
    expect(JSON.stringify(map.data).length).toBeLessThan(256 * 1024); // a ConfigMap may hold 1 MiB
  });

  it('starts from the state an older matterops left: its newest handled post', async () => {
    const ns = await testNamespace('chatstate');
    await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'matterops-chat-state' }, data: { 'last-handled.json': JSON.stringify({ c1: now - 60_000, c2: now - 10_000 }) } },
    });
    const store = chatStateIn(ns);
    expect(await store.load()).toEqual({ posts: {}, floor: now - 10_000, listeningUntil: now - 10_000 });
    await store.save({ posts: { p1: now }, floor: 0, listeningUntil: now });
    expect(await store.load()).toEqual({ posts: { p1: now }, floor: now - 10_000, listeningUntil: now });
  });

  it('lets a new leader listen when the stored document is not JSON: read as empty, one error line naming it, overwritten on the next save', async () => {
    const ns = await testNamespace('chatstate');
    await corruptStateIn(ns, { 'handled.json': '{"posts": {"p1": 17' });
    const logger = errorLines();
    const state = await ChatState.load(createConfigMapStateStore(bot, ns), { logger, clock: systemClock });
    expect(logger.errors).toHaveLength(1);
    const line = JSON.stringify(logger.errors[0]);
    expect(line).toContain(`${ns}/matterops-chat-state`);
    expect(line).toContain('handled.json');
    expect(state.catchUpFrom()).toBeUndefined(); // nothing known: no catch-up from a made-up time
    expect(state.claim({ id: 'p2', create_at: now })).toBe(true);
    await state.flushed();
    expect(await chatStateIn(ns).load()).toEqual({ posts: { p2: now }, floor: 0, listeningUntil: 0 });
    expect(logger.errors).toHaveLength(1);
  });

  it('lets a new leader listen when the state an older matterops left is unreadable', async () => {
    const ns = await testNamespace('chatstate');
    await corruptStateIn(ns, { 'last-handled.json': 'null' });
    const logger = errorLines();
    const state = await ChatState.load(createConfigMapStateStore(bot, ns), { logger, clock: systemClock });
    expect(logger.errors).toHaveLength(1);
    expect(JSON.stringify(logger.errors[0])).toContain('last-handled.json');
    state.markListening();
    await state.flushed();
    expect((await chatStateIn(ns).load()).listeningUntil).toBeGreaterThan(0);
  });

  it('finds the chat state a bot from before the StateStore wrote, and keeps it where that bot reads it', async () => {
    const ns = await testNamespace('chatstate');
    const before = { posts: { p1: now - 5_000, p2: now - 4_000 }, floor: now - 60_000, listeningUntil: now - 1_000 };
    // Exactly what that bot's save wrote: one key, no labels.
    await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'matterops-chat-state', namespace: ns }, data: { 'handled.json': JSON.stringify(before) } },
    });
    const logger = errorLines();
    const state = await ChatState.load(createConfigMapStateStore(bot, ns), { logger, clock: { ...systemClock, now: () => new Date(now) } });
    expect(logger.errors).toEqual([]);
    expect(state.claim({ id: 'p1', create_at: now - 5_000 })).toBe(false); // handled before the upgrade
    expect(state.catchUpFrom()).toBeGreaterThan(now - 5 * 60_000);
    expect(state.claim({ id: 'p3', create_at: now })).toBe(true);
    await state.flushed();
    const map = await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: ns, name: 'matterops-chat-state' });
    expect(Object.keys(map.data ?? {})).toEqual(['handled.json']);
    // Still a snapshot of the shape that bot parses, should it run again (a rollback, a rolling update).
    expect(JSON.parse(map.data?.['handled.json'] ?? '')).toEqual({ ...before, posts: { ...before.posts, p3: now } });
  });
});
