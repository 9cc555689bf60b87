/**
 * A confirmed plan is applied exactly where it was planned (issue 9, item 1): its cluster, namespace
 * and name, whatever the confirming command's own --cluster, -n or defaults say; a re-plan after a
 * conflict runs in the plan's scope and is authorised again for the plan's verb.
 */
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { alice, createHarness, type Harness } from '../../support/core-harness.ts';

const codeOf = (text: string): string => /confirm ([0-9a-f]{8})/.exec(text)?.[1] ?? '';
const replicasIn = (g: Harness['gateway'], ns: string, name = 'mattermost'): unknown => g.objects.get(`${ns}/${name}`)?.spec.replicas;

function twoClusters(): Harness {
  const h = createHarness();
  h.gateway.seed('chat', 'mattermost', { replicas: 6 });
  h.gateway.seed('staging', 'mattermost', { replicas: 6 });
  h.other.seed('chat', 'mattermost', { replicas: 6 });
  return h;
}

describe('confirm applies the plan where it was planned', () => {
  it('a plan made with --cluster is applied on that cluster when confirmed without it, after a resourceVersion moved', async () => {
    const h = twoClusters();
    const plan = await h.run('scale mattermost 2 --cluster staging-cluster');
    expect(plan.text).toContain('cluster staging-cluster');
    await h.other.patchInstallation('chat', 'mattermost', { spec: { podAnnotations: { moved: 'yes' } } }, {});
    const done = await h.run(`confirm ${codeOf(plan.text)}`);
    expect(done.text.split('\n')[0]).toBe('scale chat/mattermost: done, stable 2/2');
    expect(replicasIn(h.other, 'chat')).toBe(2);
    expect(replicasIn(h.gateway, 'chat')).toBe(6);
    expect(h.audit.entries.filter((e) => e.phase === 'applied').map((e) => e.cluster)).toEqual(['staging-cluster']);
  });

  it('a plan made with -n is applied in that namespace when confirmed from another default, after a resourceVersion moved', async () => {
    const h = twoClusters();
    const plan = await h.run('scale mattermost 2 -n staging');
    await h.gateway.patchInstallation('staging', 'mattermost', { spec: { podAnnotations: { moved: 'yes' } } }, {});
    const done = await h.run(`confirm ${codeOf(plan.text)}`);
    expect(done.text.split('\n')[0]).toBe('scale staging/mattermost: done, stable 2/2');
    expect(replicasIn(h.gateway, 'staging')).toBe(2);
    expect(replicasIn(h.gateway, 'chat')).toBe(6);
  });

  it('--cluster or -n on confirm may only narrow: a mismatch is refused and the plan still waits', async () => {
    const h = twoClusters();
    const plan = await h.run('scale mattermost 2');
    const code = codeOf(plan.text);
    const wrongCluster = await h.run(`confirm ${code} --cluster staging-cluster`);
    expect(wrongCluster.reply.error).toBe('usage');
    expect(wrongCluster.text).toContain(`plan ${code} is for cluster sandbox-bot`);
    const wrongNamespace = await h.run(`confirm ${code} -n staging`);
    expect(wrongNamespace.reply.error).toBe('usage');
    expect(wrongNamespace.text).toContain(`plan ${code} is for chat/mattermost`);
    expect([replicasIn(h.gateway, 'chat'), replicasIn(h.gateway, 'staging'), replicasIn(h.other, 'chat')]).toEqual([6, 6, 6]);
    const right = await h.run(`confirm ${code} --cluster sandbox-bot -n chat`);
    expect(right.text.split('\n')[0]).toBe('scale chat/mattermost: done, stable 2/2');
  });

  it("a re-plan after a conflict is authorised again for the plan's verb, with the policy's limits checked again", async () => {
    const policy = PolicySchema.parse({
      roles: { scaler: { verbs: ['scale', 'status'], limits: { maxReplicas: 6, minReplicas: 1 } } },
      bindings: [{ role: 'scaler', subjects: [{ terminal: '*' }] }],
    });
    const h = createHarness({ policy });
    h.gateway.seed('chat', 'mattermost', { replicas: 6 });
    const plan = await h.run('scale mattermost 2');
    // Meanwhile someone lowers the installation so far that the same request is no longer danger... and
    // an admin narrows the scaler's limit: the re-plan must check the limit again.
    policy.roles.scaler = { verbs: ['scale', 'status'], limits: { maxReplicas: 1, minReplicas: 1 } };
    await h.gateway.patchInstallation('chat', 'mattermost', { spec: { podAnnotations: { moved: 'yes' } } }, {});
    const done = await h.run(`confirm ${codeOf(plan.text)}`, alice);
    expect(done.reply.error).toBe('usage');
    expect(done.text).toContain('replicas must be at most 1 for you in chat, got 2');
    expect(replicasIn(h.gateway, 'chat')).toBe(6);
  });
});
