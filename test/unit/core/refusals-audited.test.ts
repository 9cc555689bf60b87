/**
 * Refusals are audited (issue 9, item 6; docs/policy.md): a change refused by the policy or by
 * Kubernetes RBAC writes the `denied` step as an Event on the installation when there is one to
 * name, and as a JSON log line always.
 */
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { alice, chatUser, createHarness, openPolicy } from '../../support/core-harness.ts';

const codeOf = (text: string): string => /confirm ([0-9a-f]{8})/.exec(text)?.[1] ?? '';

describe('refusals are audited', () => {
  it('a change the policy refuses on a found installation writes a denied Event and log line', async () => {
    // Scale only in staging, but status everywhere: chat/mattermost is visible, so it is refused by name.
    const policy = PolicySchema.parse({
      roles: { scaler: { verbs: ['scale'] }, reader: { verbs: ['status'] } },
      bindings: [
        { role: 'scaler', subjects: [{ terminal: '*' }], scope: { namespaces: ['staging'] } },
        { role: 'reader', subjects: [{ terminal: '*' }] },
      ],
    });
    const h = createHarness({ policy });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const { reply } = await h.run('scale mattermost 3', alice);
    expect(reply.error).toBe('forbidden');
    expect(h.audit.entries).toMatchObject([{ phase: 'denied', verb: 'scale', requester: 'alice', namespace: 'chat', installation: 'mattermost' }]);
    expect(h.logged.some((l) => l.fields.audit === true && l.fields.phase === 'denied')).toBe(true);
    expect(h.gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(2);
  });

  it('a change verb nobody granted writes a denied log line (no installation to hang an Event on)', async () => {
    const h = createHarness({
      policy: PolicySchema.parse({ roles: { reader: { verbs: ['status'] } }, bindings: [{ role: 'reader', subjects: [{ user: '*' }] }] }),
    });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const { reply } = await h.run('scale mattermost 3', chatUser('mallory'));
    expect(reply.error).toBe('forbidden');
    expect(h.logged.find((l) => l.fields.audit === true && l.fields.phase === 'denied')?.fields).toMatchObject({
      verb: 'scale',
      requester: '@mallory',
      cluster: 'sandbox-bot',
    });
    expect(h.audit.entries).toEqual([]);
  });

  it('a dry run refused by Kubernetes RBAC (impersonation) writes a denied Event', async () => {
    const h = createHarness({
      policy: PolicySchema.parse({ ...openPolicy, bindings: [{ role: 'admin', subjects: [{ user: 'bob' }] }], impersonation: { enabled: true } }),
    });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const { reply } = await h.run('scale mattermost 3', chatUser('bob'));
    expect(reply.error).toBe('forbidden');
    expect(h.audit.entries).toMatchObject([{ phase: 'denied', requester: '@bob', namespace: 'chat', installation: 'mattermost' }]);
  });

  it('someone else confirming a plan is refused and audited on the installation; the plan still waits', async () => {
    const h = createHarness({ policy: PolicySchema.parse({ ...openPolicy, bindings: [{ role: 'admin', subjects: [{ user: '*' }] }] }) });
    h.gateway.seed('chat', 'mattermost', { replicas: 6 });
    const plan = await h.run('scale mattermost 2', chatUser('alice'));
    const refused = await h.run(`confirm ${codeOf(plan.text)}`, chatUser('bob'));
    expect(refused.text).toContain('only @alice can confirm this scale');
    expect(h.audit.entries.map((e) => [e.phase, e.requester])).toEqual([
      ['requested', '@alice'],
      ['denied', '@bob'],
    ]);
    expect((await h.run(`confirm ${codeOf(plan.text)}`, chatUser('alice'))).text.split('\n')[0]).toBe('scale chat/mattermost: done, stable 2/2');
  });
});
