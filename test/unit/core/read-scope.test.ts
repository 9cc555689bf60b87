/**
 * Read verbs honour the policy's scope (issue 9, item 4): what a caller may not see with a verb is
 * neither listed, nor suggested in a miss, nor revealed by can-i, whoami or an unknown --cluster;
 * create is authorised before it reads anything.
 */
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { chatUser, createHarness, type Harness } from '../../support/core-harness.ts';

/** @alice reads only chat/mattermost* on sandbox-bot, and may create in chat; @bob only has status in chat. */
const scoped = PolicySchema.parse({
  roles: { reader: { verbs: ['list', 'status'] }, creator: { verbs: ['create'] }, looker: { verbs: ['status'] } },
  bindings: [
    { role: 'reader', subjects: [{ user: 'alice' }], scope: { clusters: ['sandbox-bot'], namespaces: ['chat'], installations: ['mattermost*'] } },
    { role: 'creator', subjects: [{ user: 'alice' }], scope: { clusters: ['sandbox-bot'], namespaces: ['chat'] } },
    { role: 'looker', subjects: [{ user: 'bob' }], scope: { namespaces: ['chat'] } },
  ],
});

function seeded(): Harness {
  const h = createHarness({ policy: scoped, defaultNamespace: 'chat' });
  h.gateway.seed('chat', 'mattermost');
  h.gateway.seed('chat', 'mattermost-two');
  h.gateway.seed('chat', 'secret-project');
  h.gateway.seed('staging', 'mattermost-staging');
  h.gateway.seed('payroll', 'payroll-chat');
  return h;
}

const hidden = ['secret-project', 'mattermost-staging', 'payroll-chat', 'staging', 'payroll'];
const revealsNothing = (text: string): void => {
  for (const word of hidden) expect(text).not.toContain(word);
};

describe('list shows only what the caller may list', () => {
  it('list -A shows only namespaces and installations the caller may list', async () => {
    const { text, reply } = await seeded().run('list -A', chatUser('alice'));
    expect(reply.error).toBeUndefined();
    expect(text).toContain('mattermost-two');
    expect(text).toMatch(/chat\s+mattermost\s/);
    revealsNothing(text);
  });

  it('list -n of a namespace the caller may not list is refused without reading it', async () => {
    const h = seeded();
    const calls = h.gateway.calls;
    const { text, reply } = await h.run('list -n payroll', chatUser('alice'));
    expect(reply.error).toBe('forbidden');
    expect(text).not.toContain('payroll-chat');
    expect(h.gateway.calls).toBe(calls);
  });
});

describe('a miss names only installations the caller may see with that verb', () => {
  it('a typo is not answered with a hidden name', async () => {
    const { text } = await seeded().run('status mattermost-stagin', chatUser('alice'));
    expect(text).toContain('no installation "mattermost-stagin"');
    revealsNothing(text);
  });

  it("with -n, a name outside the caller's scope is refused before it is looked up", async () => {
    const h = seeded();
    const calls = h.gateway.calls;
    const { reply } = await h.run('status secret-project -n chat', chatUser('alice'));
    expect(reply.error).toBe('forbidden');
    expect(h.gateway.calls).toBe(calls);
  });

  it('a miss lists only the visible names', async () => {
    const { text } = await seeded().run('status zzz', chatUser('alice'));
    expect(text).toContain('mattermost, mattermost-two');
    revealsNothing(text);
    const inNamespace = await seeded().run('status mattermost-zzz -n chat', chatUser('alice'));
    expect(inNamespace.text).toContain('no installation "mattermost-zzz" in namespace chat');
    expect(inNamespace.text).toContain('mattermost-two');
    revealsNothing(inNamespace.text);
  });
});

describe('can-i looks up the installation as the verb it asks about', () => {
  it('answers no for a hidden installation exactly as for one that does not exist', async () => {
    const h = seeded();
    const forHidden = await h.run('can-i status payroll-chat', chatUser('bob'));
    const forMissing = await h.run('can-i status payroll-chaz', chatUser('bob'));
    expect(forHidden.text).toMatch(/^no: /);
    expect(forHidden.text.replace('payroll-chat', 'NAME')).toBe(forMissing.text.replace('payroll-chaz', 'NAME'));
    expect(forHidden.text).not.toContain('payroll/');
  });

  it('says no without naming the namespace of an installation the caller may not use that verb on', async () => {
    const { text } = await seeded().run('can-i status mattermost-staging', chatUser('bob'));
    expect(text).toMatch(/^no: /);
    expect(text).not.toContain('staging/');
  });

  it('still says yes, with where, for what the caller may do', async () => {
    const { text } = await seeded().run('can-i status mattermost', chatUser('bob'));
    expect(text).toMatch(/^yes: you may status chat\/mattermost on cluster sandbox-bot/);
  });
});

describe('create is authorised before it reads anything', () => {
  it('in a namespace outside the role, create is refused before the secrets are looked at', async () => {
    const h = seeded();
    const calls = h.gateway.calls;
    const { text, reply } = await h.run('create probe -n payroll --version 9.9.0 --db-secret payroll-db --filestore-pvc files', chatUser('alice'));
    expect(reply.error).toBe('forbidden');
    expect(text).not.toMatch(/secret|exists/);
    expect(h.gateway.calls).toBe(calls);
  });
});

describe('clusters: only those the caller may use', () => {
  it('an unknown --cluster lists only the clusters the caller may use', async () => {
    const { text, reply } = await seeded().run('list --cluster prod', chatUser('alice'));
    expect(reply.error).toBe('usage');
    expect(text).toContain('clusters: sandbox-bot');
    expect(text).not.toContain('staging-cluster');
  });

  it("a configured cluster outside the caller's scope is as unknown as one that does not exist", async () => {
    const { text, reply } = await seeded().run('whoami --cluster staging-cluster', chatUser('alice'));
    expect(reply.error).toBe('usage');
    expect(text).toBe('unknown cluster "staging-cluster"\n\nclusters: sandbox-bot');
  });

  it('whoami shows only the clusters the caller may use', async () => {
    const { text } = await seeded().run('whoami', chatUser('alice'));
    expect(text).toMatch(/clusters:\s+sandbox-bot\n/);
    expect(text).not.toContain('staging-cluster');
  });
});
