/**
 * A confirmed plan lands where it was planned, against the real apiserver and operator (issue 9,
 * item 1): two installations of the same name in two namespaces, a plan made in one with -n, the
 * resourceVersion moved before the confirmation (a spec write, then the operator's own status
 * writes), confirmed from a bot whose default namespace is the other: only the planned one changes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/adapters/terminal/render-terminal.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/main.ts';
import { createInstallation, readInstallation, waitStable } from '../sandbox/installations.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';
import { patchInstallation } from '../support/steer.ts';

const admin = kubeConfig();
const caller = { id: 'terminal:tester', name: 'tester', via: 'terminal' as const };
let planned = '';
let other = '';
let app: App;

async function run(input: string): Promise<{ text: string; error: string | undefined }> {
  const { reply } = await app.pipeline.run(input, caller, {});
  return { text: renderTerminal(reply, { color: false }), error: reply.error };
}
const replicas = async (namespace: string): Promise<number | undefined> => (await readInstallation(admin, namespace, 'bound')).spec?.replicas;
const codeOf = (text: string): string => /confirm ([0-9a-f]{8})/.exec(text)?.[1] ?? '';

beforeAll(async () => {
  [planned, other] = await Promise.all([testNamespace('planned'), testNamespace('other')]);
  app = createApp(
    loadConfig({
      MATTEROPS_KUBECONFIG: env('KUBECONFIG'),
      MATTEROPS_KUBE_CONTEXT: 'sandbox-bot',
      MATTEROPS_NAMESPACE: other,
      MATTEROPS_POLICY: env('MATTEROPS_POLICY'),
      MATTEROPS_FOLLOW_TIMEOUT: '90s',
      MATTEROPS_LOCK_SECONDS: '3',
    }),
    { logger: silentLogger },
  );
  for (const namespace of [planned, other])
    await createInstallation(admin, { namespace, name: 'bound', version: '9.9.0', replicas: 4, databaseUrl: env('PGURL'), ingress: false });
  await Promise.all([waitStable(admin, planned, 'bound'), waitStable(admin, other, 'bound')]);
}, 120_000);

describe('confirm against the real apiserver', () => {
  it('applies a plan made with -n in its namespace after its resourceVersion moved, and nowhere else', async () => {
    const plan = await run(`scale bound 1 -n ${planned}`);
    expect(plan.text).toContain(`scale ${planned}/bound (danger, cluster sandbox-bot)`);
    const before = (await readInstallation(admin, planned, 'bound')).metadata.resourceVersion;
    await patchInstallation(admin, planned, 'bound', { podTemplate: { extraAnnotations: { 'test.matterops.io/moved': 'yes' } } });
    expect((await readInstallation(admin, planned, 'bound')).metadata.resourceVersion).not.toBe(before);
    const done = await run(`confirm ${codeOf(plan.text)}`);
    expect(done.text.split('\n')[0]).toBe(`scale ${planned}/bound: done, stable 1/1`);
    expect([await replicas(planned), await replicas(other)]).toEqual([1, 4]);
  });

  it('refuses a confirm whose -n names another namespace, and changes nothing', async () => {
    const plan = await run(`scale bound 2 -n ${other} --dry-run`);
    expect(plan.error).toBeUndefined();
    const waiting = await run(`scale bound 1 -n ${other}`);
    const refused = await run(`confirm ${codeOf(waiting.text)} -n ${planned}`);
    expect(refused.error).toBe('usage');
    expect(refused.text).toContain(`is for ${other}/bound, not namespace ${planned}`);
    expect([await replicas(planned), await replicas(other)]).toEqual([1, 4]);
  });
});
