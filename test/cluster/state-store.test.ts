/**
 * The ConfigMap StateStore on the real apiserver, as the bot identity, in a namespace of its own
 * used as the state namespace: the StateStore contract, and where the documents are kept.
 */
import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configMapPlace, createConfigMapStateStore } from '../../src/adapters/kubernetes/configmap-state-store.ts';
import { partsTombstone } from '../../src/core/ports/decoded-documents.ts';
import { stateStoreContract } from '../contract/state-store.contract.ts';
import { kubeConfig, testNamespace } from '../support/sandbox.ts';

const bot = kubeConfig('sandbox-bot');
const admin = kubeConfig().makeApiClient(CoreV1Api);
let namespace = '';
beforeAll(async () => {
  namespace = await testNamespace('statestore');
});

/** Writes one key of a document's ConfigMap as the admin, as a hand edit would. */
async function plant(document: string, text: string, part?: string): Promise<void> {
  const { configMap, key } = configMapPlace(document, part);
  const current = await admin.readNamespacedConfigMap({ namespace, name: configMap }).catch(() => undefined);
  const body: V1ConfigMap = { ...current, metadata: { ...current?.metadata, name: configMap }, data: { ...current?.data, [key]: text } };
  if (current) await admin.replaceNamespacedConfigMap({ namespace, name: configMap, body });
  else await admin.createNamespacedConfigMap({ namespace, body });
}

stateStoreContract('ConfigMaps on the real apiserver', () => ({
  stores: [createConfigMapStateStore(bot, namespace), createConfigMapStateStore(bot, namespace)],
  plant,
}));

describe('where the ConfigMap store keeps a document', () => {
  const doc = { name: 'notes/today', schema: z.object({ text: z.string() }), initial: () => ({ text: '' }) };

  it('is the key <item>.json of the ConfigMap matterops-<group>, labelled, as JSON', async () => {
    await createConfigMapStateStore(bot, namespace).update(doc, () => ({ text: 'hello' }));
    const map = await admin.readNamespacedConfigMap({ namespace, name: 'matterops-notes' });
    expect(map.data).toEqual({ 'today.json': '{"text":"hello"}' });
    expect(map.metadata?.labels).toEqual({ 'matterops.io/state': 'true' });
  });

  it('keeps the other keys, labels and annotations of a ConfigMap it updates', async () => {
    await admin.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'matterops-kept', labels: { team: 'ops' }, annotations: { note: 'by hand' } }, data: { README: 'do not touch' } },
    });
    await createConfigMapStateStore(bot, namespace).update({ ...doc, name: 'kept/doc' }, () => ({ text: 'hi' }));
    const map = await admin.readNamespacedConfigMap({ namespace, name: 'matterops-kept' });
    expect(map.data).toEqual({ README: 'do not touch', 'doc.json': '{"text":"hi"}' });
    expect(map.metadata?.labels).toEqual({ team: 'ops', 'matterops.io/state': 'true' });
    expect(map.metadata?.annotations).toEqual({ note: 'by hand' });
  });

  it('keeps a document with parts as the keys <item>.<part>.json beside a tombstone in <item>.json, and drops the keys of parts it no longer has', async () => {
    const parted = {
      name: 'parted/list',
      schema: z.object({ items: z.array(z.string()) }),
      initial: () => ({ items: [] as string[] }),
      parts: {
        split: (v: { items: string[] }) => new Map<string, unknown>([['head', v.items], ...v.items.map((i) => [`i-${i}`, { i }] as const)]),
        schema: (part: string) => (part === 'head' ? z.array(z.string()) : part.startsWith('i-') ? z.object({ i: z.string() }) : undefined),
        join: (parts: ReadonlyMap<string, unknown>) => ({ items: (parts.get('head') as string[]).map((i) => (parts.get(`i-${i}`) as { i: string }).i) }),
      },
    };
    const store = createConfigMapStateStore(bot, namespace);
    await store.update(parted, () => ({ items: ['a', 'b'] }));
    let map = await admin.readNamespacedConfigMap({ namespace, name: 'matterops-parted' });
    const tombstone = partsTombstone(parted, configMapPlace(parted.name).keys);
    expect(JSON.parse(tombstone)).toEqual(expect.any(String)); // a string: no version before the parts reads it as its object
    expect(map.data).toEqual({ 'list.json': tombstone, 'list.head.json': '["a","b"]', 'list.i-a.json': '{"i":"a"}', 'list.i-b.json': '{"i":"b"}' });
    await store.update(parted, () => ({ items: ['b'] }));
    map = await admin.readNamespacedConfigMap({ namespace, name: 'matterops-parted' });
    expect(map.data).toEqual({ 'list.json': tombstone, 'list.head.json': '["b"]', 'list.i-b.json': '{"i":"b"}' });
  });

  it('refuses a group whose ConfigMap would look like a waiting plan (matterops-pending-<code>)', async () => {
    await expect(createConfigMapStateStore(bot, namespace).read({ ...doc, name: 'pending-0badc0de/doc' })).rejects.toThrow('where waiting plans are');
  });
});
