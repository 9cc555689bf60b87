/**
 * End to end: the bot as a process serves /metrics on its own listen address
 * (MATTEROPS_METRICS_LISTEN; the webhook port then has none), and a command typed by a real user
 * through Mattermost is counted there by verb and outcome; a word that names no verb is counted as
 * `unknown`, and nothing the user typed reaches the scrape. The scrape is read by the Prometheus
 * project's own parser (test/support/promparse.ts): the leader and its websocket are reported, a
 * crash loop written on a pod of this file's installation raises the open incidents of its rule
 * (and its recovery lowers them), and a backup made from chat sets its installation's last good
 * backup time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { seriesValue } from '../support/prom-text.ts';
import { env, sandboxEnv } from '../support/sandbox.ts';
import { backupIdTime } from '../../src/core/model/backup.ts';
import { freePort } from '../sandbox/ports.ts';
import { parsedValue, parseWithPrometheus, type ParsedSample } from '../support/promparse.ts';
import { CoreV1Api } from '@kubernetes/client-node';
import { createInstallation, waitStable } from '../sandbox/installations.ts';
import { writeTrouble } from '../support/pod-troubles.ts';
import { waitForReadyPods } from '../support/pods.ts';
import { kubeConfig, testNamespace } from '../support/sandbox.ts';

let bot: BotProcess;
let metricsUrl = '';
const admin = kubeConfig();
const name = 'mm-metrics';
let namespace = '';

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

const parsedScrape = async (): Promise<ParsedSample[]> => await parseWithPrometheus(await scrape());
const onePod = async () => (await waitForReadyPods(admin, namespace, name, 1))[0]!;

beforeAll(async () => {
  // An installation of this file's own to break; the bot watches only its namespace for incidents
  // and leads on a Lease there, whatever other bot runs.
  namespace = await testNamespace('metrics');
  await createInstallation(admin, { namespace, name, version: '9.9.0', replicas: 1, databaseUrl: env('PGURL'), ingress: false });
  await waitStable(admin, namespace, name);
  await onePod();
  const metricsListen = `127.0.0.1:${await freePort()}`;
  metricsUrl = `http://${metricsListen}`;
  bot = await startBot(sandboxEnv(), {
    MATTEROPS_METRICS_LISTEN: metricsListen,
    MATTEROPS_STATE_NAMESPACE: namespace,
    MATTEROPS_INCIDENTS_NAMESPACES: namespace,
    MATTEROPS_INCIDENT_HOLD_DOWN: '5s',
  });
}, 150_000);
afterAll(async () => {
  await bot?.stop();
  if (namespace)
    await admin
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
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

  it('shows a crash loop as one open incident of its rule while it lasts, and 0 once it is resolved', async () => {
    const open = (samples: ParsedSample[]) => parsedValue(samples, 'matterops_incidents_open', { rule: 'crash-loop' });
    // Every rule shows from the leader's first look, before any incident.
    const before = await waitFor(async () => ((s) => (open(s) === undefined ? undefined : s))(await parsedScrape()), {
      what: 'the open incidents by rule listed',
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(open(before)).toBe(0);
    expect(before.find((s) => s.name === 'matterops_incidents_open')?.type).toBe('GAUGE');
    const pod = await onePod();
    await writeTrouble(admin, pod, 'crash-loop');
    await waitFor(async () => open(await parsedScrape()) === 1, { what: 'the crash loop counted open', timeoutMs: 30_000, intervalMs: 250 });

    // Recovery: the ReplicaSet replaces the deleted pod; the incident resolves after the 5 s hold-down.
    await admin.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace, name: pod.metadata?.name ?? '', gracePeriodSeconds: 0 });
    await onePod();
    await waitFor(async () => open(await parsedScrape()) === 0, { what: 'the crash loop counted resolved', timeoutMs: 40_000, intervalMs: 250 });
  }, 120_000);

  it("sets an installation's last good backup time when a backup made from chat succeeds", async () => {
    const labels = { namespace: 'chat', installation: 'mattermost' };
    const last = (samples: ParsedSample[]) => parsedValue(samples, 'matterops_backup_last_success_timestamp_seconds', labels);
    const before = last(await parsedScrape()) ?? 0;
    const since = Date.now();
    await slash('/k8s backup mattermost --note "metrics"');
    // The bot's own reply names the backup id: the time the metric must show is that id's.
    const rest = new MattermostRest(env('MM_URL'), env('MM_ADMIN_TOKEN'));
    const id = await waitFor(
      async () => {
        const list = await rest.call<{ posts: Record<string, { message: string; user_id: string; props?: { attachments?: { text?: string }[] } }> }>(
          'GET',
          `/channels/${env('MM_CHANNEL_OPS')}/posts?since=${since}`,
        );
        const texts = Object.values(list.posts)
          .filter((p) => p.user_id === env('MM_BOT_USER_ID'))
          .map((p) => [p.message, ...(p.props?.attachments ?? []).map((a) => a.text ?? '')].join('\n'));
        return texts.map((t) => /backup chat\/mattermost: done, backup (\d{8}-\d{6}-[0-9a-f]{4}):/.exec(t)?.[1]).find(Boolean);
      },
      { what: 'the backup done', timeoutMs: 90_000, intervalMs: 500 },
    );
    const seconds = backupIdTime(id).getTime() / 1000;
    expect(seconds).toBeGreaterThan(before);
    // Set when the change ends, not at the leader's next refresh (5 min).
    const samples = await waitFor(async () => ((s) => (last(s) === seconds ? s : undefined))(await parsedScrape()), {
      what: 'the last good backup time on /metrics',
      timeoutMs: 10_000,
      intervalMs: 250,
    });
    expect(samples.find((s) => s.name === 'matterops_backup_last_success_timestamp_seconds')?.type).toBe('GAUGE');
  }, 120_000);
});
