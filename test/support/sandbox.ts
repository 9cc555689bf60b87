/** What a real-peer test needs from the sandbox: its env, a KubeConfig per identity, a namespace of its own. */
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { grantStateRights } from './state-rights.ts';

export function sandboxEnv(): Record<string, string> {
  return inject('sandboxEnv');
}

export function env(name: string): string {
  const value = sandboxEnv()[name];
  if (value === undefined) throw new Error(`the sandbox env has no ${name}; is .sandbox/env from an older sandbox? run make sandbox-down`);
  return value;
}

/** A KubeConfig on the sandbox for one context: sandbox (admin), sandbox-bot, sandbox-alice... */
export function kubeConfig(context = 'sandbox'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(env('KUBECONFIG'));
  kc.setCurrentContext(context);
  return kc;
}

/**
 * A fresh namespace for one test file, so files that change things never meet. The bot gets the
 * state rights there (deploy/rbac.yaml grants them in the state namespace only), so a test may use
 * it as its state namespace too.
 */
export async function testNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name, labels: { 'matterops.io/test': 'true' } } } });
  await grantStateRights(kubeConfig(), kubeConfig('sandbox-bot'), name);
  return name;
}
