/**
 * A slash request is answered over HTTP whatever the outbox holds (issue 16, item 1): the reply
 * queued is answer enough, so Mattermost hears back at once while the post waits its turn, and a
 * reply not ready within the budget gets "Working on it..." with the post after it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { createChatResponder } from '../../../src/adapters/mattermost/chat-responder.ts';
import type { MattermostApi, NewPost, Post } from '../../../src/adapters/mattermost/mattermost-api.ts';
import { createMattermostNotifier } from '../../../src/adapters/mattermost/mattermost-notifier.ts';
import { ServerPacer } from '../../../src/adapters/mattermost/server-pacer.ts';
import { startHttpServer, type HttpDeps } from '../../../src/adapters/mattermost/webhook/http-server.ts';
import { slashAnswerBudgetMs } from '../../../src/adapters/mattermost/webhook/slash-route.ts';
import { createPromMetrics } from '../../../src/adapters/metrics/prom-metrics.ts';
import { metricsCatalog } from '../../../src/core/metrics-catalog.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import type { Pipeline } from '../../../src/core/pipeline.ts';
import { systemClock } from '../../../src/core/ports/clock.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { chatUser, createHarness } from '../../support/core-harness.ts';

const readers = PolicySchema.parse({ roles: { reader: { verbs: ['status'] } }, bindings: [{ role: 'reader', subjects: [{ user: '*' }] }] });

/** A Mattermost whose creates wait until `open()`: the outbox is busy with other channels' posts. */
function heldMattermost() {
  const made: string[] = [];
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const api = {
    createPost: async (post: NewPost): Promise<Post> => {
      await gate;
      made.push(post.message);
      return { id: `p${made.length}`, channel_id: post.channel_id, user_id: 'bot', root_id: '', message: post.message, create_at: Date.now() };
    },
    patchPost: () => Promise.reject(new Error('no edits here')),
    postsSince: () => Promise.resolve([]),
  } as unknown as MattermostApi;
  return { api, made, open };
}

async function slashServer(
  pipeline: Pipeline,
  api: MattermostApi,
  identity: HttpDeps['identity'] = { callerFor: () => Promise.resolve(chatUser('alice')) },
  mattermostUrl = 'http://mattermost',
) {
  const notifier = createMattermostNotifier({ api, clock: systemClock, logger: silentLogger, pacer: new ServerPacer({ clock: systemClock }) });
  const responder = createChatResponder({ pipeline, notifier, signer: createHmacSigner('key'), publicUrl: 'http://bot', logger: silentLogger });
  const deps: HttpDeps = {
    responder,
    identity,
    slashTokens: ['slash-token'],
    signer: createHmacSigner('key'),
    api: { url: mattermostUrl } as HttpDeps['api'],
    notifier: {} as HttpDeps['notifier'],
    logger: silentLogger,
    readiness: {},
    role: () => 'leader',
    metrics: createPromMetrics(metricsCatalog, { processMetrics: false }),
  };
  const server = await startHttpServer(deps, '127.0.0.1', 0);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const slash = async (text: string, extra: Record<string, string> = {}): Promise<{ text: string }> => {
    const body = new URLSearchParams({ token: 'slash-token', user_id: 'u'.repeat(26), channel_id: 'c'.repeat(26), text, ...extra });
    const res = await fetch(`${url}/hooks/slash`, { method: 'POST', body, signal: AbortSignal.timeout(25_000) });
    return { text: ((await res.json()) as { text: string }).text };
  };
  return { slash, notifier, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('a slash request while the outbox is busy', () => {
  // Generous timeouts: 20 requests over loopback HTTP on a loaded CI machine; nothing here is timed.
  it('is answered as soon as its reply is queued, before the post is made', { timeout: 30_000 }, async () => {
    const h = createHarness({ policy: readers });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const mattermost = heldMattermost();
    const bot = await slashServer(h.pipeline, mattermost.api);
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => bot.slash('status mattermost')));
      expect(answers.map((a) => a.text)).toEqual(Array(20).fill('')); // the reply itself, posted: nothing private to show
      expect(mattermost.made).toEqual([]);
      expect(bot.notifier.depth).toBe(20);
      mattermost.open();
      await expect.poll(() => mattermost.made.length, { timeout: 10_000 }).toBe(20);
      expect(mattermost.made.every((m) => m.includes('mattermost'))).toBe(true);
    } finally {
      await bot.close();
    }
  });

  it('gets "Working on it..." when its reply is not ready within the budget, and the reply as a post after', { timeout: 30_000 }, async () => {
    const h = createHarness({ policy: readers });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const slow: Pipeline = {
      ...h.pipeline,
      run: async (...args) => {
        await new Promise((r) => setTimeout(r, slashAnswerBudgetMs + 2_000));
        return await h.pipeline.run(...args);
      },
    };
    const mattermost = heldMattermost();
    mattermost.open();
    const bot = await slashServer(slow, mattermost.api);
    try {
      const answer = await bot.slash('status mattermost');
      expect(answer.text).toBe('Working on it...');
      expect(mattermost.made).toEqual([]); // answered before the reply was ready, not after
      await expect.poll(() => mattermost.made.length, { timeout: 10_000 }).toBe(1);
    } finally {
      await bot.close();
    }
  });

  it("counts the budget from the request's arrival: a slow caller lookup spends it too", { timeout: 30_000 }, async () => {
    const h = createHarness({ policy: readers });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const mattermost = heldMattermost();
    mattermost.open();
    // Mattermost slow to say who the user is (the groups lookup under load): the reply itself is quick.
    const slowLookup = {
      callerFor: () => new Promise<ReturnType<typeof chatUser>>((r) => setTimeout(() => r(chatUser('alice')), slashAnswerBudgetMs + 2_000)),
    };
    const bot = await slashServer(h.pipeline, mattermost.api, slowLookup);
    try {
      const answer = await bot.slash('status mattermost');
      expect(answer.text).toBe('Working on it...');
      expect(mattermost.made).toEqual([]); // answered before the caller was known
      await expect.poll(() => mattermost.made.length, { timeout: 10_000 }).toBe(1);
      expect(mattermost.made[0]).toContain('mattermost');
    } finally {
      await bot.close();
    }
  });

  it('tells the requester privately when the late caller lookup fails, and runs nothing', { timeout: 30_000 }, async () => {
    const h = createHarness({ policy: readers });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const mattermost = heldMattermost();
    mattermost.open();
    // Mattermost's delayed command response endpoint: what reaches the requester alone.
    const responses: string[] = [];
    const hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        responses.push(`${req.url} ${body}`);
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    const hooksUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
    const failingLookup = {
      callerFor: () => new Promise<never>((_, reject) => setTimeout(() => reject(new Error('users/ut: 503')), slashAnswerBudgetMs + 500)),
    };
    const bot = await slashServer(h.pipeline, mattermost.api, failingLookup, hooksUrl);
    try {
      const hook = 'h'.repeat(26);
      const answer = await bot.slash('status mattermost', { response_url: `http://elsewhere/hooks/commands/${hook}` });
      expect(answer.text).toBe('Working on it...');
      await expect.poll(() => responses.length, { timeout: 10_000 }).toBe(1);
      expect(responses[0]).toContain(`/hooks/commands/${hook}`);
      expect(responses[0]).toContain('did not run: matterops could not look you up in Mattermost');
      expect(mattermost.made).toEqual([]);
    } finally {
      await bot.close();
      await new Promise((resolve) => hooks.close(resolve));
    }
  });
});
