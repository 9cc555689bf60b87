/**
 * The ConfigMap pending store against the real apiserver, as the bot: the PendingStore contract,
 * then what only the cluster store must do: keep a plan's secrets sealed, refuse a plan sealed
 * under another key, and sweep plans whose time is up.
 */
import type { ChangePlan } from '../../src/core/change/plan.ts';
import { CoreV1Api } from '@kubernetes/client-node';
import { beforeAll, expect, it } from 'vitest';
import { createConfigMapPendingStore } from '../../src/adapters/kubernetes/configmap-pending-store.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import type { PendingStore } from '../../src/core/ports/pending-store.ts';
import { pendingStoreContract, samplePlan } from '../contract/pending-store.contract.ts';
import { waitFor } from '../sandbox/wait.ts';
import { kubeConfig, testNamespace } from '../support/sandbox.ts';

let namespace = '';
let store: PendingStore<ChangePlan>;
const key = Buffer.from('a signing key of the sandbox bot, 32+');
const bot = kubeConfig('sandbox-bot');
const core = bot.makeApiClient(CoreV1Api);

beforeAll(async () => {
  namespace = await testNamespace('pending');
  store = createConfigMapPendingStore(bot, { namespace, signingKey: key, logger: silentLogger });
});

pendingStoreContract('ConfigMaps on the real apiserver', () => store);

it('keeps the secrets a plan carries sealed, and a store with another key cannot open it', async () => {
  await store.put('5ea1ed00', samplePlan('p3'));
  const stored = await core.readNamespacedConfigMap({ namespace, name: 'matterops-pending-5ea1ed00' });
  expect(JSON.stringify(stored)).not.toContain('hunter2');
  expect(JSON.stringify(stored)).not.toContain('MM_SQLSETTINGS_DATASOURCE');
  const otherKey = createConfigMapPendingStore(bot, { namespace, signingKey: Buffer.from('another key, another bot entirely'), logger: silentLogger });
  expect(await otherKey.get('5ea1ed00')).toBeUndefined();
  expect((await store.get('5ea1ed00'))?.id).toBe('p3');
  await store.remove('5ea1ed00');
});

it('opens a plan only under the code it was sealed for', async () => {
  await store.put('c0ffee00', samplePlan('p4'));
  const stored = await core.readNamespacedConfigMap({ namespace, name: 'matterops-pending-c0ffee00' });
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'matterops-pending-c0ffee01', namespace }, data: stored.data ?? {} } });
  expect(await store.get('c0ffee01')).toBeUndefined();
  expect((await store.get('c0ffee00'))?.id).toBe('p4');
  await Promise.all([store.remove('c0ffee00'), store.remove('c0ffee01')]);
});

it('sweeps plans whose time is up when a new one is kept', async () => {
  await store.put('e0e0e0e0', samplePlan('old', new Date(Date.now() + 1_500)));
  await new Promise((r) => setTimeout(r, 2_000)); // expired now, and nothing has swept since
  expect(await core.readNamespacedConfigMap({ namespace, name: 'matterops-pending-e0e0e0e0' })).toBeDefined();
  await store.put('f1f1f1f1', samplePlan('new'));
  await waitFor(async () => (await store.get('e0e0e0e0')) === undefined, { what: 'the expired plan to be swept', timeoutMs: 10_000 });
  expect((await store.get('f1f1f1f1'))?.id).toBe('new');
  await store.remove('f1f1f1f1');
});
