/**
 * The bot's HTTP surface, on a real loopback server with stub dependencies (issue 9, item 16):
 * readiness answers from a cache refreshed in the background, errors are short JSON without a
 * stack, bodies are bounded, unknown routes are 404, and Express does not announce itself.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { startHttpServer, type HttpDeps } from '../../../src/adapters/mattermost/webhook/http-server.ts';
import { createPromMetrics } from '../../../src/adapters/metrics/prom-metrics.ts';
import { createChatResponder } from '../../../src/adapters/mattermost/chat-responder.ts';
import { errorsTotal, metricsCatalog } from '../../../src/core/metrics-catalog.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { existingPost } from '../../../src/core/ports/notifier.ts';
import { chatUser, createHarness } from '../../support/core-harness.ts';
import { seriesValue } from '../../support/prom-text.ts';

let server: Server;
let base = '';
const calls = { cluster: 0, hanging: 0 };
let clusterUp = true;
const metrics = createPromMetrics(metricsCatalog, { processMetrics: true });

const stubDeps = (): HttpDeps => ({
  responder: {} as HttpDeps['responder'],
  identity: { callerFor: () => Promise.reject(new Error('identity lookup exploded at /work/secret/path.ts:12')) },
  slashTokens: ['slash-token'],
  signer: createHmacSigner('key'),
  api: {} as HttpDeps['api'],
  notifier: {} as HttpDeps['notifier'],
  logger: silentLogger,
  readiness: {
    cluster: () => {
      calls.cluster++;
      return Promise.resolve(clusterUp);
    },
    // A dependency that never answers: /readyz must still answer, and say it is not ready.
    hanging: () => {
      calls.hanging++;
      return new Promise<boolean>(() => undefined);
    },
  },
  readinessEveryMs: 100,
  role: () => 'leader',
  metrics,
});

const get = (path: string): Promise<Response> => fetch(`${base}${path}`, { signal: AbortSignal.timeout(2_000) });
const post = (path: string, type: string, body: string): Promise<Response> =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body, signal: AbortSignal.timeout(2_000) });

/** A short JSON error body that names no file, line or stack frame. */
async function expectShortJsonError(res: Response, status: number): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const text = await res.text();
  expect(text.length).toBeLessThan(200);
  expect(text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+|\.js:\d+|<html|<pre/i);
  expect(JSON.parse(text)).toHaveProperty('error');
}

beforeAll(async () => {
  server = await startHttpServer(stubDeps(), '127.0.0.1', 0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('/readyz', () => {
  it('answers from its cache even when a dependency hangs, and makes no call per request', async () => {
    await new Promise((r) => setTimeout(r, 350)); // a few background refreshes
    const before = calls.cluster;
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => get('/readyz')));
    // The refresher's calls (one per 100 ms while the requests ran, however slow a busy machine
    // makes them, and one in flight), not one per request.
    const refreshes = Math.ceil((Date.now() - started) / 100) + 1;
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(503));
    expect(await answers[0]!.json()).toEqual({ cluster: true, hanging: false, role: 'leader' });
    expect(calls.cluster - before).toBeLessThanOrEqual(Math.min(refreshes, 19));
    expect(calls.hanging).toBe(1); // a check still running is not started again
  });

  it('follows a dependency going down within a refresh or two', async () => {
    clusterUp = false;
    await new Promise((r) => setTimeout(r, 300));
    expect(await (await get('/readyz')).json()).toMatchObject({ cluster: false });
    clusterUp = true;
  });
});

describe('/metrics', () => {
  it('serves the registry in the Prometheus text format, without auth', async () => {
    metrics.inc(errorsTotal, { code: 'conflict' });
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE matterops_commands_total counter');
    expect(text).toMatch(/^matterops_errors_total\{code="conflict"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});

describe('/metrics after commands through /hooks/slash', () => {
  it('counts each command by verb and outcome, and a word that names no verb as unknown, never as typed', async () => {
    const prom = createPromMetrics(metricsCatalog, { processMetrics: false });
    const policy = PolicySchema.parse({ roles: { reader: { verbs: ['status'] } }, bindings: [{ role: 'reader', subjects: [{ user: '*' }] }] });
    const h = createHarness({ metrics: prom, policy });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const delivered = Promise.resolve({ ok: true as const, postId: 'p1' });
    const notifier = { post: () => existingPost('c1', 'p1'), edit: () => delivered, postText: () => existingPost('c1', 'p1'), editText: () => delivered };
    const responder = createChatResponder({ pipeline: h.pipeline, notifier, signer: createHmacSigner('key'), publicUrl: 'http://bot', logger: silentLogger });
    const chat = await startHttpServer(
      { ...stubDeps(), readiness: {}, responder, identity: { callerFor: () => Promise.resolve(chatUser('alice')) }, metrics: prom },
      '127.0.0.1',
      0,
    );
    const url = `http://127.0.0.1:${(chat.address() as AddressInfo).port}`;
    try {
      const slash = async (text: string): Promise<void> => {
        const body = new URLSearchParams({ token: 'slash-token', user_id: 'u'.repeat(26), channel_id: 'c'.repeat(26), text });
        const res = await fetch(`${url}/hooks/slash`, { method: 'POST', body, signal: AbortSignal.timeout(5_000) });
        expect(res.status).toBe(200);
      };
      await slash('status mattermost');
      await slash('st mattermost');
      await slash('exfiltrate MM_SQLSETTINGS_DATASOURCE=postgres://u:hunter2@db');
      const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
      expect(seriesValue(text, 'matterops_commands_total', { verb: 'status', outcome: 'ok' })).toBe(2);
      expect(seriesValue(text, 'matterops_command_duration_seconds_count', { verb: 'status' })).toBe(2);
      expect(seriesValue(text, 'matterops_commands_total', { verb: 'unknown', outcome: 'usage' })).toBe(1);
      expect(seriesValue(text, 'matterops_errors_total', { code: 'usage' })).toBe(1);
      expect(text).not.toMatch(/exfiltrate|hunter2|alice/);
    } finally {
      await new Promise((resolve) => chat.close(resolve));
    }
  });
});

describe('errors and limits', () => {
  it('does not announce Express', async () => {
    expect((await get('/healthz')).headers.get('x-powered-by')).toBeNull();
  });

  it('answers bad JSON with 400, short JSON, no stack', async () => {
    await expectShortJsonError(await post('/hooks/action', 'application/json', '{"context": {'), 400);
  });

  it('answers a body over the limit with 413 on every body parser', async () => {
    const big = 'x'.repeat(100 * 1024);
    await expectShortJsonError(await post('/hooks/action', 'application/json', JSON.stringify({ context: { action: big } })), 413);
    await expectShortJsonError(await post('/hooks/slash', 'application/x-www-form-urlencoded', `token=slash-token&text=${big}`), 413);
  });

  it('answers a failing handler with 500, short JSON, no stack or path', async () => {
    const res = await post(
      '/hooks/slash',
      'application/x-www-form-urlencoded',
      `token=slash-token&user_id=${'u'.repeat(26)}&channel_id=${'c'.repeat(26)}&text=version`,
    );
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/secret\/path|\.ts:\d+|\bat /);
    expect(text.length).toBeLessThan(200);
  });

  it('answers unknown routes and methods with a short JSON 404', async () => {
    await expectShortJsonError(await get('/nope'), 404);
    await expectShortJsonError(await get('/hooks/slash'), 404);
    await expectShortJsonError(await post('/readyz', 'application/json', '{}'), 404);
  });
});
