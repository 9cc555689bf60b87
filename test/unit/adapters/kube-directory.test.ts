/**
 * The directory exposes only the kubeconfig contexts named in configuration (issue 9, item 5): a
 * laptop kubeconfig with an admin context must not hand it to every chat user. Reads a kubeconfig
 * file only; no cluster is called.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { createKubeDirectory } from '../../../src/adapters/kubernetes/kube-directory.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { MatteropsError } from '../../../src/core/errors.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';

/** A kubeconfig like a laptop's: an admin context (current), the bot's, alice's. */
function laptopKubeconfig(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'matterops-kubeconfig-')), 'config');
  const names = ['admin', 'bot', 'alice'];
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'admin',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
      users: names.map((n) => ({ name: n, user: { token: `token-${n}` } })),
      contexts: names.map((n) => ({ name: n, context: { cluster: 'c', user: n } })),
    }),
  );
  return path;
}

function failure(run: () => unknown): MatteropsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MatteropsError);
    return error as MatteropsError;
  }
  throw new Error('expected a configuration error');
}

describe('which kubeconfig contexts are exposed', () => {
  it('exposes only the default context when no list is configured, not the rest of the kubeconfig', () => {
    const directory = createKubeDirectory({ kubeconfig: laptopKubeconfig(), defaultContext: 'bot' });
    expect(directory.contexts).toEqual(['bot']);
    expect(directory.get('admin')).toBeUndefined();
    expect(directory.get('bot')?.context).toBe('bot');
    expect(() => directory.kubeConfigFor('admin')).toThrow(/not among the configured contexts/);
  });

  it('exposes exactly the configured list; without a default, the first of it (never the current admin context)', () => {
    const directory = createKubeDirectory({ kubeconfig: laptopKubeconfig(), contexts: ['bot', 'alice'] });
    expect(directory.contexts).toEqual(['bot', 'alice']);
    expect(directory.defaultContext).toBe('bot');
    expect(directory.get('alice')?.context).toBe('alice');
    expect(directory.get('admin')).toBeUndefined();
  });

  it('reports every named context the kubeconfig lacks, and a default outside the list, together', () => {
    const error = failure(() => createKubeDirectory({ kubeconfig: laptopKubeconfig(), defaultContext: 'alice', contexts: ['bot', 'prod', 'staging'] }));
    expect(error.code).toBe('invalid');
    expect(error.message).toContain('3 problems');
    expect(error.message).toContain('"prod"');
    expect(error.message).toContain('"staging"');
    expect(error.message).toContain('default context "alice" is not among kubernetes.contexts');
  });
});

describe("a cluster's watch", () => {
  it("reports a follow's failing watch to the directory's logger (it had none, issue 10, item 11)", async () => {
    const warned: string[] = [];
    const logger = { ...silentLogger, warn: (_fields: Record<string, unknown>, message: string) => void warned.push(message) };
    // The kubeconfig's server is 127.0.0.1:1, where nothing listens: the first list fails at once.
    const directory = createKubeDirectory({ kubeconfig: laptopKubeconfig(), defaultContext: 'bot', watch: { clock: new FakeClock(), logger } });
    const subscription = directory.get('bot')!.watchInstallation('chat', 'mattermost', () => undefined);
    try {
      await vi.waitFor(() => expect(warned).toContain('watch failed; trying again'), { timeout: 5_000 });
    } finally {
      subscription.stop();
    }
  });
});

describe('configuration of the exposed contexts', () => {
  it('reads MATTEROPS_KUBE_CONTEXTS as a comma-separated list', () => {
    expect(loadConfig({ MATTEROPS_KUBE_CONTEXTS: 'sandbox-bot, sandbox-alice' }).kubernetes.contexts).toEqual(['sandbox-bot', 'sandbox-alice']);
    expect(loadConfig({}).kubernetes.contexts).toBeUndefined();
  });

  it('refuses a list that names nothing', () => {
    expect(() => loadConfig({ MATTEROPS_KUBE_CONTEXTS: ' , ' })).toThrow(/kubernetes.contexts/);
  });
});
