/** The PendingStore contract, run by the memory store (unit) and the ConfigMap adapter (cluster). */
import { describe, expect, it } from 'vitest';
import { writeThenWait } from '../../src/core/change/installation-steps.ts';
import type { ChangePlan } from '../../src/core/change/plan.ts';
import type { Installation } from '../../src/core/model/installation.ts';
import type { PendingStore } from '../../src/core/ports/pending-store.ts';

const installation = (replicas: number): Installation => ({
  namespace: 'chat',
  name: 'mattermost',
  generation: 4,
  resourceVersion: '812',
  createdAt: new Date('2026-11-01T08:00:00Z'),
  spec: {
    version: '9.9.0',
    image: 'mattermost/mattermost-enterprise-edition',
    replicas,
    ingressHost: undefined,
    database: 'external',
    databaseSecret: undefined,
    restoredFrom: undefined,
    fileStore: 'local',
    env: [{ name: 'MM_SQLSETTINGS_DATASOURCE', value: 'postgres://mm:hunter2@db/mm', fromRef: false }],
    podAnnotations: {},
  },
  status: {
    state: 'stable',
    version: '9.9.0',
    image: undefined,
    replicas: 2,
    updatedReplicas: 2,
    observedGeneration: 4,
    endpoint: undefined,
    error: undefined,
  },
});

/** A plan as `env set` makes one: with a secret value in what it will write. */
export function samplePlan(id: string, expiresAt = new Date(Date.now() + 5 * 60_000)): ChangePlan {
  return {
    id,
    verb: 'env',
    operation: { verb: 'env' },
    draft: {
      kind: 'change',
      target: { cluster: 'sandbox-bot', namespace: 'chat', name: 'mattermost' },
      before: installation(2),
      steps: writeThenWait(
        { cluster: 'sandbox-bot', namespace: 'chat', name: 'mattermost' },
        { kind: 'patch', patch: { spec: { mattermostEnv: [{ name: 'MM_SQLSETTINGS_DATASOURCE', value: 'postgres://mm:hunter2@db/mm' }] } } },
        installation(2),
        'stable',
      ),
      risk: 'change',
      summary: 'env chat/mattermost: ~MM_SQLSETTINGS_DATASOURCE',
      notes: [],
    },
    preview: installation(2),
    diff: ['env ~MM_SQLSETTINGS_DATASOURCE'],
    requester: { id: 'u-alice', name: '@alice', via: 'mattermost', team: 'ops', channel: 'ops' },
    createdAt: new Date(),
    expiresAt,
    needsApprover: false,
  };
}

export function pendingStoreContract(label: string, store: () => PendingStore<ChangePlan>): void {
  describe(`PendingStore contract: ${label}`, () => {
    it('gives back the plan it keeps, dates and all', async () => {
      const plan = samplePlan('p1');
      await store().put('a1b2c3d4', plan);
      const found = await store().get('a1b2c3d4');
      expect(found).toEqual(plan);
      expect(found?.expiresAt).toBeInstanceOf(Date);
      expect(found?.draft.before?.createdAt).toBeInstanceOf(Date);
      await store().remove('a1b2c3d4');
    });

    it('lets exactly one caller remove a plan: single use', async () => {
      await store().put('0badc0de', samplePlan('p2'));
      const removals = await Promise.all([store().remove('0badc0de'), store().remove('0badc0de'), store().remove('0badc0de')]);
      expect(removals.filter(Boolean)).toHaveLength(1);
      expect(await store().get('0badc0de')).toBeUndefined();
      expect(await store().remove('0badc0de')).toBe(false);
    });

    it('knows nothing of a code it was never given', async () => {
      expect(await store().get('00000000')).toBeUndefined();
      expect(await store().remove('00000000')).toBe(false);
    });
  });
}
