/**
 * Read verbs honour the policy's scope against the real apiserver (issue 9, item 4), on the
 * sandbox's own installations (chat/mattermost, staging/mattermost-staging), for a chat user whose
 * policy reaches only namespace chat on cluster sandbox-bot.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/adapters/terminal/render-terminal.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import type { Caller } from '../../src/core/model/caller.ts';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/main.ts';
import { env } from '../support/sandbox.ts';

const alice: Caller = { id: 'mm-alice', name: '@alice', via: 'mattermost', team: 'ops', channel: 'ops' };
let app: App;

beforeAll(() => {
  const policyFile = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
  writeFileSync(
    policyFile,
    [
      'roles: { reader: { verbs: [list, status] }, creator: { verbs: [create] } }',
      'bindings:',
      '  - { role: reader, subjects: [{ user: alice }], scope: { clusters: [sandbox-bot], namespaces: [chat] } }',
      '  - { role: creator, subjects: [{ user: alice }], scope: { clusters: [sandbox-bot], namespaces: [chat] } }',
    ].join('\n'),
  );
  app = createApp(
    loadConfig({
      MATTEROPS_KUBECONFIG: env('KUBECONFIG'),
      MATTEROPS_KUBE_CONTEXT: 'sandbox-bot',
      MATTEROPS_NAMESPACE: 'chat',
      MATTEROPS_KUBE_CONTEXTS: 'sandbox-bot,sandbox-alice',
      MATTEROPS_POLICY: policyFile,
    }),
    { logger: silentLogger },
  );
});

async function run(input: string): Promise<{ text: string; error: string | undefined }> {
  const { reply } = await app.pipeline.run(input, alice);
  return { text: renderTerminal(reply, { color: false }), error: reply.error };
}

const revealsNothing = (text: string): void => {
  for (const hidden of ['staging', 'sandbox-alice']) expect(text).not.toContain(hidden);
};

describe('read verbs show only what the caller may use', () => {
  it('list -A shows only the namespaces and installations the caller may list', async () => {
    const { text, error } = await run('list -A');
    expect(error).toBeUndefined();
    expect(text).toMatch(/chat\s+mattermost\s/);
    revealsNothing(text);
  });

  it('list -n of a namespace outside the scope is refused', async () => {
    const { text, error } = await run('list -n staging');
    expect(error).toBe('forbidden');
    expect(text).not.toContain('mattermost-staging');
  });

  it('a miss does not suggest an installation the caller may not see', async () => {
    const { text } = await run('status mattermost-stagin');
    expect(text).toContain('no installation "mattermost-stagin" in cluster sandbox-bot');
    revealsNothing(text);
  });

  it('can-i answers no for a hidden installation without naming where it is', async () => {
    const { text } = await run('can-i status mattermost-staging');
    expect(text).toBe('no: there is no installation "mattermost-staging" you may status in cluster sandbox-bot');
  });

  it('create outside the scope is refused before the Secrets are read (no "does not exist" for a probe)', async () => {
    const { text, error } = await run('create probe -n staging --version 9.9.0 --db-secret no-such-secret --filestore-pvc files');
    expect(error).toBe('forbidden');
    expect(text).not.toContain('no-such-secret');
  });

  it('an unknown --cluster and whoami name only the clusters the caller may use', async () => {
    const unknown = await run('list --cluster prod');
    expect(unknown.text).toBe('unknown cluster "prod"\n\nclusters: sandbox-bot');
    const outside = await run('whoami --cluster sandbox-alice');
    expect(outside.text).toBe('unknown cluster "sandbox-alice"\n\nclusters: sandbox-bot');
    const whoami = await run('whoami');
    expect(whoami.text).toMatch(/clusters:\s+sandbox-bot\n/);
  });
});
