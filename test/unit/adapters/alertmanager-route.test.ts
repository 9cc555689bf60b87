/**
 * `POST /hooks/alertmanager` on a real loopback server (issue 12, "Alertmanager alerts, threaded"):
 * only Alertmanager's bearer token gets in, and before its body is read; bodies are bounded; what
 * is not a version 4 payload gets a 4xx that says where it is wrong; a delivery the cluster did not
 * take is a 503, so Alertmanager sends it again; a good one is handed over parsed.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { startHttpServer, type HttpDeps } from '../../../src/adapters/mattermost/webhook/http-server.ts';
import type { AlertmanagerPayload } from '../../../src/core/incidents/alertmanager/alertmanager-payload.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { mattermostDown, payloadJson } from '../incidents/alert-payloads.ts';

const token = 'am-token-0123456789abcdef';
const received: AlertmanagerPayload[] = [];
let storeUp = true;
const servers: Server[] = [];
let base = '';
let without = '';

const deps = (alertmanager: HttpDeps['alertmanager']): HttpDeps => ({
  responder: {} as HttpDeps['responder'],
  identity: {} as HttpDeps['identity'],
  slashTokens: ['slash-token'],
  signer: createHmacSigner('key'),
  api: {} as HttpDeps['api'],
  notifier: {} as HttpDeps['notifier'],
  logger: silentLogger,
  readiness: {},
  role: () => 'leader',
  metrics: { contentType: 'text/plain', scrape: () => Promise.resolve('') },
  ...(alertmanager ? { alertmanager } : {}),
});

const urlOf = (server: Server): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  const receive = (p: AlertmanagerPayload): Promise<void> => (storeUp ? (received.push(p), Promise.resolve()) : Promise.reject(new Error('apiserver down')));
  servers.push(await startHttpServer(deps({ token, receive, logger: silentLogger }), '127.0.0.1', 0));
  servers.push(await startHttpServer(deps(undefined), '127.0.0.1', 0));
  base = urlOf(servers[0]!);
  without = urlOf(servers[1]!);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});
beforeEach(() => {
  received.length = 0;
  storeUp = true;
});

const send = (body: string, headers: Record<string, string> = {}, at = base): Promise<Response> =>
  fetch(`${at}/hooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body,
    signal: AbortSignal.timeout(5_000),
  });
const good = JSON.stringify(payloadJson([mattermostDown()]));

describe('POST /hooks/alertmanager', () => {
  it('takes a delivery with the bearer token and hands it over parsed', async () => {
    const res = await send(good);
    expect(res.status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ groupKey: '{}:{alertname="MattermostDown"}', status: 'firing' });
    expect(received[0]!.alerts[0]!.startsAt).toBeInstanceOf(Date);
  });

  it('refuses a missing, wrong, differently long or Token-scheme credential with 401, and reads no body then', async () => {
    for (const authorization of ['', 'Bearer wrong', `Bearer ${token}x`, `Token ${token}`, `Bearer ${token.slice(0, 5)}`]) {
      const res = await send(good, { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    // Not even a body over the limit is read without the token: 401, not 413.
    expect((await send('x'.repeat(2 * 1024 * 1024), { authorization: 'Bearer wrong' })).status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it('refuses a body over 1 MB with 413', async () => {
    const big = JSON.stringify({ ...payloadJson([mattermostDown({}, { description: 'x'.repeat(1_100_000) })]) });
    const res = await send(big);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'request too large' });
    expect(received).toHaveLength(0);
  });

  it('answers what is not a version 4 payload with 400 and where it is wrong, without echoing values', async () => {
    const res = await send(JSON.stringify({ ...payloadJson([mattermostDown()]), version: '3', alerts: [] }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; problems: string[] };
    expect(body.error).toBe('not an Alertmanager webhook payload (version 4)');
    expect(body.problems).toEqual([
      'version: only version 4 of the Alertmanager webhook payload is understood',
      'alerts: Too small: expected array to have >=1 items',
    ]);
    expect((await send('{"not json')).status).toBe(400);
    expect((await send(good, { 'content-type': 'text/plain' })).status).toBe(415);
    expect(received).toHaveLength(0);
  });

  it('answers 503 when the delivery could not be saved, so Alertmanager retries', async () => {
    storeUp = false;
    expect((await send(good)).status).toBe(503);
  });

  it('is not served without a configured token', async () => {
    expect((await send(good, {}, without)).status).toBe(404);
  });
});
