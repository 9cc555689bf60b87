/**
 * Alertmanager 0.31.1 with the verified flags of ../shared/reference/real-peers.md (section 8):
 * on loopback, no gossip port, one route (`group_wait: 1s`, `group_interval: 2s`) to one webhook
 * receiver, the bot, with `send_resolved: true` and a bearer token. The token is read from a 0600
 * file (`credentials_file`) and the bot's URL from a file (`url_file`) Alertmanager reads on every
 * delivery, so a test can point it at the bot it started; neither is ever in argv.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin } from './paths.ts';
import { freePort } from './ports.ts';
import { startProcess, stopProcess, type StartedProcess } from './processes.ts';
import { httpOk, waitFor } from './wait.ts';

/** What the sandbox keeps for the Alertmanager's receiver: the files it reads, shared by every Alertmanager of the sandbox. */
export interface AlertmanagerReceiver {
  /** Holds the URL deliveries go to (`http://127.0.0.1:<bot>/hooks/alertmanager`). */
  urlFile: string;
  /** Holds the bearer token (also the bot's MATTEROPS_ALERTMANAGER_TOKEN). */
  tokenFile: string;
}

export interface StartedAlertmanager {
  process: StartedProcess;
  port: number;
  url: string;
}

export interface AlertmanagerOptions {
  /** Its storage and configuration live here (created if missing). */
  dir: string;
  logDir: string;
  receiver: AlertmanagerReceiver;
  /** Process and log name; a test's second Alertmanager (the other of an HA pair) gives its own. */
  name?: string;
  onStarted?: (process: StartedProcess) => void;
}

/** Writes the receiver's files: where deliveries go and the token they carry. */
export function writeAlertmanagerReceiver(dir: string, url: string, token: string): AlertmanagerReceiver {
  mkdirSync(dir, { recursive: true });
  const receiver = { urlFile: join(dir, 'webhook-url'), tokenFile: join(dir, 'webhook-token') };
  writeFileSync(receiver.urlFile, url, { mode: 0o600 });
  writeFileSync(receiver.tokenFile, token, { mode: 0o600 });
  return receiver;
}

/** The configuration: groups by alert name and namespace, delivered to the bot within seconds. */
export function alertmanagerConfig(receiver: AlertmanagerReceiver): string {
  return [
    'route:',
    '  receiver: matterops',
    '  group_by: [alertname, namespace]',
    '  group_wait: 1s',
    '  group_interval: 2s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: matterops',
    '    webhook_configs:',
    `      - url_file: ${JSON.stringify(receiver.urlFile)}`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    `            credentials_file: ${JSON.stringify(receiver.tokenFile)}`,
    '',
  ].join('\n');
}

/** Starts an Alertmanager and returns once it is ready (under a second). */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<StartedAlertmanager> {
  const name = options.name ?? 'alertmanager';
  mkdirSync(join(options.dir, 'data'), { recursive: true });
  const config = join(options.dir, 'alertmanager.yml');
  writeFileSync(config, alertmanagerConfig(options.receiver), { mode: 0o600 });
  const port = await freePort();
  const started = startProcess(name, bin('alertmanager'), {
    log: join(options.logDir, `${name}.log`),
    args: [
      `--config.file=${config}`,
      `--storage.path=${join(options.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty: no gossip port. Two of them are then the partitioned HA pair: each delivers.
      '--cluster.listen-address=',
    ],
  });
  options.onStarted?.(started);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(() => httpOk(`${url}/-/ready`), { what: `${name} ready`, timeoutMs: 30_000, intervalMs: 100, log: started.log });
  } catch (error) {
    await stopProcess(started.pid);
    throw error;
  }
  return { process: started, port, url };
}
