/**
 * End to end: the bot as a process serves /metrics on its own listen address
 * (MATTEROPS_METRICS_LISTEN; the webhook port then has none), and a command typed by a real user
 * through Mattermost is counted there by verb and outcome; a word that names no verb is counted as
 * `unknown`, and nothing the user typed reaches the scrape. The scrape is read by the Prometheus
 * project's own parser (test/support/promparse.ts): the leader and its websocket are reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { seriesValue } from '../support/prom-text.ts';
import { env, sandboxEnv } from '../support/sandbox.ts';
import { freePort } from '../sandbox/ports.ts';
import { parsedValue, parseWithPrometheus } from '../support/promparse.ts';

let bot: BotProcess;
let metricsUrl = '';

const slash = (command: string): Promise<unknown> =>
  new MattermostRest(env('MM_URL'), env('MM_TOKEN_ALICE')).call('POST', '/commands/execute', {
    channel_id: env('MM_CHANNEL_OPS'),
    team_id: env('MM_TEAM_ID'),
    command,
  });
const scrape = async (): Promise<string> => {
  const res = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return await res.text();
};

beforeAll(async () => {
  const metricsListen = `127.0.0.1:${await freePort()}`;
  metricsUrl = `http://${metricsListen}`;
  bot = await startBot(sandboxEnv(), { MATTEROPS_METRICS_LISTEN: metricsListen });
}, 90_000);
afterAll(async () => {
  await bot.stop();
});

describe('/metrics of the running bot', () => {
  it('counts a slash command by verb and outcome, a word that names no verb as unknown, and shows no user text', async () => {
    const before = await scrape();
    expect(seriesValue(before, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    const statusBefore = seriesValue(before, 'matterops_commands_total', { verb: 'status', outcome: 'ok' }) ?? 0;
    await slash('/k8s status mattermost');
    await slash('/k8s exfiltrate DB_PASSWORD=hunter2');
    const after = await waitFor(
      async () => {
        const text = await scrape();
        const counted =
          (seriesValue(text, 'matterops_commands_total', { verb: 'status', outcome: 'ok' }) ?? 0) > statusBefore &&
          (seriesValue(text, 'matterops_commands_total', { verb: 'unknown', outcome: 'usage' }) ?? 0) >= 1;
        return counted ? text : undefined;
      },
      { what: 'both commands counted on /metrics', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(seriesValue(after, 'matterops_command_duration_seconds_count', { verb: 'status' })).toBeGreaterThanOrEqual(1);
    expect(seriesValue(after, 'matterops_errors_total', { code: 'usage' })).toBeGreaterThanOrEqual(1);
    expect(after).not.toMatch(/exfiltrate|hunter2|DB_PASSWORD/);
  });

  it("reports this replica as the leader with its websocket up, parsed by Prometheus' own parser; the webhook port serves no /metrics", async () => {
    const samples = await waitFor(
      async () => {
        const parsed = await parseWithPrometheus(await scrape());
        return parsedValue(parsed, 'matterops_websocket_connected') === 1 ? parsed : undefined;
      },
      { what: 'the websocket reported connected', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(parsedValue(samples, 'matterops_leader')).toBe(1);
    expect(samples.find((s) => s.name === 'matterops_websocket_reconnects_total')).toMatchObject({ type: 'COUNTER', value: 0 });
    expect(parsedValue(samples, 'matterops_commands_total', { verb: 'status', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(samples.find((s) => s.name === 'matterops_command_duration_seconds_count')?.type).toBe('HISTOGRAM');
    expect(samples.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);
    expect((await fetch(`${bot.url}/metrics`)).status).toBe(404);
  });
});
