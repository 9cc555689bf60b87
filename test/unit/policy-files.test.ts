/** The policy files we ship load, and the default policy is deny-by-default for changes and chat. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/load-policy.ts';
import { authorize } from '../../src/core/policy/authorize.ts';
import { defaultPolicy } from '../../src/core/policy/policy-schema.ts';
import { answerToPending } from '../../src/adapters/terminal/repl.ts';

const root = join(import.meta.dirname, '..', '..');
const terminal = { id: 'terminal:me', name: 'me', via: 'terminal' as const };
const alice = { id: 'u1', name: '@alice', via: 'mattermost' as const };
const target = { cluster: 'c', namespace: 'chat', name: 'mattermost' };

describe('policy files', () => {
  it('the sandbox policy gives alice changes in chat only, bob reads, mallory nothing', () => {
    const policy = loadPolicy(join(root, 'test/sandbox/policy.yaml'));
    expect(authorize(policy, alice, 'scale', target).allowed).toBe(true);
    expect(authorize(policy, alice, 'scale', { ...target, namespace: 'staging' }).allowed).toBe(false);
    expect(authorize(policy, { ...alice, name: '@bob' }, 'status', target).allowed).toBe(true);
    expect(authorize(policy, { ...alice, name: '@bob' }, 'scale', target).allowed).toBe(false);
    expect(authorize(policy, { ...alice, name: '@mallory' }, 'status', target).allowed).toBe(false);
    expect(authorize(policy, terminal, 'delete', target)).toMatchObject({ allowed: true, limits: { maxReplicas: 20, minReplicas: 0 } });
  });

  it('the example policy loads', () => {
    expect(Object.keys(loadPolicy(join(root, 'deploy/policy.example.yaml')).roles)).toEqual(['admin', 'operator', 'reader']);
  });

  it('without a policy file, terminal users may read and nobody may change anything', () => {
    expect(authorize(defaultPolicy, terminal, 'status', target).allowed).toBe(true);
    expect(authorize(defaultPolicy, terminal, 'scale', target).allowed).toBe(false);
    expect(authorize(defaultPolicy, alice, 'status', target).allowed).toBe(false);
  });

  it('a malformed policy is refused with the path and what a valid entry looks like', () => {
    expect(() => loadPolicy(join(root, 'test/unit/fixtures/bad-policy.yaml'))).toThrowError(/bindings\.1\.subjects\.0: a subject is one of \{ user: name \}/);
    expect(() => loadPolicy(join(root, 'test/unit/fixtures/unknown-role-policy.yaml'))).toThrowError(/bindings\.0\.role: role "ghost" is not defined in roles/);
  });
});

describe('terminal answers to a plan', () => {
  const pending = { code: 'abcd1234', token: 't', expiresAt: new Date(), confirmWord: undefined, needsApprover: false, flag: '--yes' };
  it('y confirms, anything else cancels; a delete needs the typed name', () => {
    expect(answerToPending(pending, 'y')).toBe('confirm abcd1234');
    expect(answerToPending(pending, 'no')).toBe('cancel abcd1234');
    expect(answerToPending({ ...pending, confirmWord: 'staging' }, 'staging')).toBe('confirm abcd1234 staging');
    expect(answerToPending({ ...pending, confirmWord: 'staging' }, 'y')).toBe('cancel abcd1234');
  });
});
