/**
 * `matterops resume` looks for leftovers on every cluster it serves, not only the default one
 * (issue 9, item 15). Two contexts reach the sandbox apiserver by different addresses: `home`
 * (the default) through a proxy the test cuts, so it is unreachable, and `away` directly. A change
 * left in flight through `away` is resumed and reported; `home` is reported as not looked at.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHmacSigner } from '../../src/adapters/crypto/hmac-signer.ts';
import { createLeaseLockManager } from '../../src/adapters/kubernetes/lease-lock-manager.ts';
import { lockLeaseName } from '../../src/adapters/kubernetes/lock-lease.ts';
import type { InFlightRecord } from '../../src/core/model/in-flight-record.ts';
import { systemClock } from '../../src/core/ports/clock.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

const key = 'the signing key of the bot that died, 32+ chars';
let namespace = '';
let proxy: TcpProxy;
let kubeconfigFile = '';

/** The sandbox kubeconfig with two contexts for the bot user: `home` via the proxy, `away` direct. */
function twoClusterKubeconfig(proxyPort: number): string {
  const sandbox = parse(readFileSync(env('KUBECONFIG'), 'utf8')) as {
    clusters: { name: string; cluster: { server: string } & Record<string, unknown> }[];
    users: { name: string }[];
  };
  const real = sandbox.clusters[0]!.cluster;
  const file = join(mkdtempSync(join(tmpdir(), 'two-clusters-')), 'kubeconfig');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'home',
      clusters: [
        { name: 'home', cluster: { ...real, server: `https://127.0.0.1:${proxyPort}` } },
        { name: 'away', cluster: real },
      ],
      users: sandbox.users.filter((u) => u.name === 'matterops'),
      contexts: [
        { name: 'home', context: { cluster: 'home', user: 'matterops' } },
        { name: 'away', context: { cluster: 'away', user: 'matterops' } },
      ],
    }),
    { mode: 0o600 },
  );
  return file;
}

beforeAll(async () => {
  namespace = await testNamespace('resume-away');
  proxy = await startTcpProxy(Number(env('PORT_APISERVER')));
  kubeconfigFile = twoClusterKubeconfig(proxy.port);
});
afterAll(async () => {
  await proxy.close();
});

it('matterops resume follows a change left in flight through a second context, even with the default cluster unreachable', async () => {
  const away = new KubeConfig();
  away.loadFromFile(kubeconfigFile);
  away.setCurrentContext('away');
  const now = new Date();
  const record: InFlightRecord = {
    operationId: 'awayop1',
    verb: 'delete',
    requester: 'tester',
    via: 'terminal',
    cluster: 'away',
    namespace,
    name: 'left-away',
    steps: [{ kind: 'wait' as const, until: 'deleted' as const, namespace: namespace, name: 'left-away', generation: 1 }],
    step: 0,
    summary: 'delete left-away',
    startedAt: now.toISOString(),
    deadline: new Date(now.getTime() + 60_000).toISOString(),
  };
  // What a bot killed mid-change through `away` leaves: its lock, never renewed again.
  const dead = createLeaseLockManager(away, 'away', { namespace, durationSeconds: 2, clock: systemClock, signer: createHmacSigner(key), logger: silentLogger });
  expect(
    (
      await dead.acquire(
        { cluster: 'away', namespace, name: 'left-away' },
        { operationId: 'awayop1', verb: 'delete', requester: 'tester', startedAt: now, record },
      )
    ).ok,
  ).toBe(true);
  proxy.cut();

  const child = spawn(process.execPath, ['src/cli.ts', 'resume'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KUBECONFIG: kubeconfigFile,
      MATTEROPS_KUBECONFIG: kubeconfigFile,
      MATTEROPS_KUBE_CONTEXT: 'home',
      MATTEROPS_KUBE_CONTEXTS: 'home,away',
      MATTEROPS_STATE_NAMESPACE: namespace,
      MATTEROPS_LOCK_SECONDS: '2',
      MATTEROPS_SIGNING_KEY: key,
      MATTEROPS_LOG_LEVEL: 'silent',
    },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const started = Date.now();
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));

  expect(out).toContain(`delete ${namespace}/left-away (op awayop1, asked by tester): done after a matterops restart`);
  expect(err).toMatch(/could not look for changes left in flight on cluster home/);
  expect(code).toBe(1); // one cluster could not be looked at
  // And it exits once done: a watch opened after its follow ended kept it alive for 30 s more.
  expect(Date.now() - started).toBeLessThan(20_000);
  const lease = await kubeConfig()
    .makeApiClient(CustomObjectsApi)
    .getNamespacedCustomObject({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespace, name: lockLeaseName(namespace, 'left-away') })
    .catch((e: unknown) => (e as { code?: number }).code);
  expect(lease).toBe(404); // resumed, followed and released
}, 60_000);
