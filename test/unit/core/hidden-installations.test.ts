/**
 * An installation the caller may not see is answered exactly like one that does not exist, with
 * any verb (review of issue 9, item 4): today only can-i hid it, while `status payroll-chat`
 * answered "may not status payroll/payroll-chat". One the caller may see but not change is refused
 * by name, which tells them what right to ask for.
 */
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { chatUser, createHarness } from '../../support/core-harness.ts';

const policy = PolicySchema.parse({
  roles: { operator: { verbs: ['status', 'scale'] }, reader: { verbs: ['status', 'list'] } },
  bindings: [
    { role: 'operator', subjects: [{ user: '*' }], scope: { namespaces: ['chat'] } },
    { role: 'reader', subjects: [{ user: 'alice' }], scope: { namespaces: ['payroll'] } },
  ],
});

function harness(): ReturnType<typeof createHarness> {
  const h = createHarness({ policy });
  h.gateway.seed('chat', 'mattermost', { replicas: 2 });
  h.gateway.seed('payroll', 'payroll-chat', { replicas: 2 });
  return h;
}

describe('hidden installations', () => {
  it('status and scale of an installation mallory may not see read exactly like a name that does not exist', async () => {
    const h = harness();
    for (const verb of ['status', 'scale']) {
      const args = verb === 'scale' ? ' 3' : '';
      const hidden = await h.run(`${verb} payroll-chat${args}`, chatUser('mallory'));
      const absent = await h.run(`${verb} payroll-chaz${args}`, chatUser('mallory'));
      expect(hidden.reply.error).toBe('not_found');
      expect(hidden.text).not.toContain('payroll/');
      expect(hidden.text.replace('payroll-chat', 'NAME')).toBe(absent.text.replace('payroll-chaz', 'NAME'));
    }
    expect(h.audit.entries).toEqual([]);
  });

  it('one the caller may see but not change is refused naming the right', async () => {
    const { text, reply } = await harness().run('scale payroll-chat 3', chatUser('alice'));
    expect(reply.error).toBe('forbidden');
    expect(text).toContain('@alice may not scale payroll/payroll-chat');
  });
});
