/**
 * A waiting plan is used up only by a confirmation that may apply it (review of issue 9): someone
 * without the right to approve a two-person plan cannot destroy it by trying, and a confirmed plan
 * that cannot start because another change holds the installation still waits.
 */
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { chatUser, createHarness, otherHolder } from '../../support/core-harness.ts';

const codeOf = (text: string): string => /confirm ([0-9a-f]{8})/.exec(text)?.[1] ?? '';
const twoPersons = PolicySchema.parse({
  roles: { operator: { verbs: ['scale', 'status'], limits: { maxReplicas: 20, minReplicas: 0 } } },
  bindings: [{ role: 'operator', subjects: [{ user: 'alice' }, { user: 'carol' }] }],
  twoPersonRule: { namespaces: ['chat'] },
});

describe('plans keep waiting', () => {
  it('an approver without the right is refused and the two-person plan still waits for one with it', async () => {
    const h = createHarness({ policy: twoPersons });
    h.gateway.seed('chat', 'mattermost', { replicas: 6 });
    const plan = await h.run('scale mattermost 0', chatUser('alice'));
    const code = codeOf(plan.text);
    const mallory = await h.run(`confirm ${code}`, chatUser('mallory'));
    expect(mallory.reply.error).toBe('forbidden');
    expect(mallory.text).toContain('@mallory cannot approve');
    expect(h.audit.entries.map((e) => [e.phase, e.requester])).toContainEqual(['denied', '@mallory']);
    const carol = await h.run(`confirm ${code}`, chatUser('carol'));
    expect(carol.text.split('\n')[0]).toBe('scale chat/mattermost: done, stable 0/0');
  });

  it('a confirmed plan whose installation another change holds is refused with who holds it, and can be confirmed later', async () => {
    const h = createHarness({ policy: PolicySchema.parse({ ...twoPersons, twoPersonRule: { namespaces: [] } }) });
    h.gateway.seed('chat', 'mattermost', { replicas: 6 });
    const plan = await h.run('scale mattermost 2', chatUser('alice'));
    const code = codeOf(plan.text);
    const target = { cluster: 'sandbox-bot', namespace: 'chat', name: 'mattermost' };
    const holder = otherHolder('restart', '@bob', h.clock.now());
    const held = await h.locks.acquire(target, holder);
    const busy = await h.run(`confirm ${code}`, chatUser('alice'));
    expect(busy.text).toContain('restart in progress on mattermost by @bob');
    if (held.ok) await h.locks.release(held.lock);
    const later = await h.run(`confirm ${code}`, chatUser('alice'));
    expect(later.text.split('\n')[0]).toBe('scale chat/mattermost: done, stable 2/2');
  });
});
