/**
 * `serve` and the terminal expose only the kubeconfig contexts named in configuration (issue 9,
 * item 5), with the sandbox kubeconfig, whose `sandbox` context is the cluster admin: a chat user's
 * `--cluster sandbox` once answered "acting as admin (system:masters)".
 */
import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/adapters/terminal/render-terminal.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import type { Caller } from '../../src/core/model/caller.ts';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/main.ts';
import { env } from '../support/sandbox.ts';

const alice: Caller = { id: 'mm-alice', name: '@alice', via: 'mattermost', team: 'ops', channel: 'ops' };

function appWith(extra: Record<string, string> = {}): App {
  return createApp(
    loadConfig({
      MATTEROPS_KUBECONFIG: env('KUBECONFIG'),
      MATTEROPS_KUBE_CONTEXT: 'sandbox-bot',
      MATTEROPS_NAMESPACE: 'chat',
      MATTEROPS_POLICY: env('MATTEROPS_POLICY'),
      ...extra,
    }),
    { logger: silentLogger },
  );
}

async function run(app: App, input: string, as: Caller = alice): Promise<{ text: string; error: string | undefined }> {
  const { reply } = await app.pipeline.run(input, as);
  return { text: renderTerminal(reply, { color: false }), error: reply.error };
}

describe('only configured kubeconfig contexts are exposed', () => {
  it('by default only the default context: whoami --cluster sandbox (the admin) is refused without naming it among the clusters', async () => {
    const app = appWith();
    const refused = await run(app, 'whoami --cluster sandbox');
    expect(refused.error).toBe('usage');
    expect(refused.text).toMatch(/^unknown cluster "sandbox"\n\nclusters: sandbox-bot \(did you mean sandbox-bot\?\)$/);
    expect(refused.text).not.toContain('system:masters');
    // The terminal (the same createApp) is held to the same list, whatever its policy allows.
    const terminal = await run(app, 'whoami --cluster sandbox', { id: 'terminal:tester', name: 'tester', via: 'terminal' });
    expect(terminal.error).toBe('usage');
    expect((await run(app, 'whoami')).text).toMatch(/acting as:\s+matterops \(groups matterops, system:authenticated\)/);
  });

  it('with MATTEROPS_KUBE_CONTEXTS=sandbox-bot,sandbox-alice both work, and the admin context still does not', async () => {
    const app = appWith({ MATTEROPS_KUBE_CONTEXTS: 'sandbox-bot,sandbox-alice' });
    expect((await run(app, 'whoami')).text).toMatch(/clusters:\s+sandbox-bot, sandbox-alice\n/);
    expect((await run(app, 'whoami --cluster sandbox-alice')).text).toMatch(/acting as:\s+alice\b/);
    expect((await run(app, 'list --cluster sandbox-alice -n chat')).text).toMatch(/chat\s+mattermost\s/);
    const refused = await run(app, 'whoami --cluster sandbox');
    expect(refused.text).toMatch(/^unknown cluster "sandbox"\n\nclusters: sandbox-bot, sandbox-alice \(did you mean sandbox-\w+\?\)$/);
  });

  it('a named context the kubeconfig does not have stops the start, with every problem at once', () => {
    expect(() => appWith({ MATTEROPS_KUBE_CONTEXTS: 'sandbox-bot,prod,staging' })).toThrow(
      /the Kubernetes configuration has 2 problems:\n {2}- kubernetes.contexts \(MATTEROPS_KUBE_CONTEXTS\) names "prod".*\n {2}- .*"staging"/,
    );
  });
});
