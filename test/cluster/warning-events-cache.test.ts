/**
 * The events cache of `serve` on the real apiserver: its contract over the client-node ClusterWatch
 * as the bot's own identity (so deploy/rbac.yaml's `watch` on Events is what it runs on), and
 * `status` through the pipeline showing a Warning recorded with the API after it started, read
 * from the cache: the gateway under it refuses to list warnings, so an answer can only come from
 * the cache. Then the same through `createServeApp`, the composition `matterops serve` runs.
 */
import { CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCachedWarnings } from '../../src/adapters/kubernetes/cached-warnings-gateway.ts';
import { createKubeClusterWatch } from '../../src/adapters/kubernetes/cluster-watch.ts';
import { createKubeDirectory } from '../../src/adapters/kubernetes/kube-directory.ts';
import { startWarningEventsCache, type WarningEventsCache } from '../../src/adapters/kubernetes/warning-events-cache.ts';
import { renderTerminal } from '../../src/adapters/terminal/render-terminal.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createCore, type Core } from '../../src/core/create-core.ts';
import { systemClock } from '../../src/core/ports/clock.ts';
import type { ClusterGateway } from '../../src/core/ports/cluster-gateway.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { coreSettings, createServeApp, terminalPorts } from '../../src/main.ts';
import { warningEventsCacheContract } from '../contract/warning-events-cache.contract.ts';
import { createInstallation } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { recordEvent, type RecordedEvent } from '../support/record-event.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';

const admin = kubeConfig();
const core = admin.makeApiClient(CoreV1Api);
const caller = { id: 'terminal:test', name: 'test', via: 'terminal' as const };
let namespace = '';

beforeAll(async () => {
  namespace = await testNamespace('warnings');
  await createInstallation(admin, { namespace, name: 'cached', version: '9.9.0', replicas: 1, databaseUrl: env('PGURL') });
});

afterAll(async () => {
  if (namespace) await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

warningEventsCacheContract('client-node ClusterWatch on the real apiserver, as the bot', () => ({
  watch: createKubeClusterWatch(kubeConfig('sandbox-bot')),
  clock: systemClock,
  namespace,
  unwatched: 'default',
  record: (e) => recordEvent(admin, e),
  rewrite: async (name, e) => {
    const stored: CoreV1Event = await core.readNamespacedEvent({ namespace: e.namespace, name });
    await core.replaceNamespacedEvent({ namespace: e.namespace, name, body: { ...stored, reason: e.reason, message: e.message, lastTimestamp: e.lastSeen } });
  },
  remove: async (ns, name) => {
    await core.deleteNamespacedEvent({ namespace: ns, name });
  },
  eventually: async (done, what) => {
    await waitFor(() => done(), { what, timeoutMs: 15_000 });
  },
}));

const warning = (reason: string): RecordedEvent => ({
  namespace,
  type: 'Warning',
  objectKind: 'Pod',
  objectName: 'cached-7d9f-abcde',
  reason,
  message: 'Back-off restarting failed container',
  lastSeen: new Date(),
});

const config = () =>
  loadConfig({
    MATTEROPS_KUBECONFIG: env('KUBECONFIG'),
    MATTEROPS_KUBE_CONTEXT: 'sandbox-bot',
    MATTEROPS_NAMESPACE: namespace,
    MATTEROPS_INCIDENTS_NAMESPACES: namespace,
  });

async function status(on: Core): Promise<{ text: string; error: string | undefined }> {
  const { reply } = await on.pipeline.run('status cached', caller);
  return { text: renderTerminal(reply, { color: false }), error: reply.error };
}

describe('status through the events cache', () => {
  it('shows a Warning recorded after the cache listed, without listing the namespace', async () => {
    const caches: WarningEventsCache[] = [];
    /** The apiserver path refused: any warning status shows came through the cache. */
    const noListing = (g: ClusterGateway): ClusterGateway =>
      Object.assign(Object.create(g) as ClusterGateway, {
        listWarnings: () => Promise.reject(new Error('status listed the events instead of reading the cache')),
      });
    const directory = createKubeDirectory({
      kubeconfig: env('KUBECONFIG'),
      defaultContext: 'sandbox-bot',
      decorate: (_context, gateway, watch) => {
        const cache = startWarningEventsCache({ watch, namespaces: [namespace], clock: systemClock });
        caches.push(cache);
        return withCachedWarnings(noListing(gateway), cache);
      },
    });
    const bot = createCore({ ...terminalPorts(config(), { logger: silentLogger }), clusters: directory }, coreSettings(config()));
    try {
      // The first command starts the cache; until it has listed, status could only list (refused here).
      await waitFor(async () => (await status(bot)).error === undefined, { what: 'status answered from the listed cache', timeoutMs: 15_000 });
      expect((await status(bot)).text).toContain('No recent warnings.');
      await recordEvent(admin, warning('CachedBackOff'));
      const shown = await waitFor(
        async () => {
          const { text } = await status(bot);
          return text.includes('CachedBackOff') && text;
        },
        { what: 'status showing the new warning', timeoutMs: 15_000 },
      );
      expect(shown).toMatch(/Recent warnings[\s\S]*Pod\/cached-7d9f-abcde\s+CachedBackOff\s+Back-off restarting failed container/);
    } finally {
      await Promise.all(caches.map((c) => c.stop()));
    }
  });

  it('is what createServeApp gives status, and stopWatches ends it', async () => {
    const app = createServeApp(config(), { logger: silentLogger });
    try {
      await recordEvent(admin, warning('ServedBackOff'));
      await waitFor(async () => (await status(app)).text.includes('ServedBackOff'), { what: 'status showing the warning', timeoutMs: 15_000 });
    } finally {
      await app.stopWatches();
    }
  });
});
