/**
 * The incident log tail's read against the real apiserver (issue 12, Threads), as the bot: the
 * previous log of a sandbox pod, which the apiserver fetches from its kwok node (test/sandbox/kwok.ts).
 * Whatever the node answers, the read gives a tail or "not available (why)" quickly, well within
 * its timeout, never an error that would hold up or fail the root. Reads pods of the shared
 * installation chat/mattermost and writes nothing (the e2e incident test shows a whole tail).
 */
import { describe, expect, it } from 'vitest';
import { createKubeGateway } from '../../src/adapters/kubernetes/kube-gateway.ts';
import type { Incident } from '../../src/core/incidents/incident.ts';
import { createLogTails, logTailBlocks } from '../../src/core/incidents/log-tail.ts';
import { systemClock } from '../../src/core/ports/clock.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { kubeConfig } from '../support/sandbox.ts';

const incidentOn = (pod: string): Incident => ({
  key: 'crash-loop:chat/mattermost:mattermost',
  source: 'rules',
  installation: { namespace: 'chat', name: 'mattermost' },
  rule: 'crash-loop',
  severity: 'critical',
  title: 'container mattermost is crash-looping (1 pod)',
  since: new Date(),
  affected: [pod],
  evidence: { facts: [], lines: [], previousLog: { pod, container: 'mattermost' } },
  state: 'open',
});

describe('the log tail of an incident pod on the real apiserver', () => {
  it('is read through the apiserver from the node (kwok) at once, never thrown: a tail, or "not available" with why', async () => {
    const gateway = createKubeGateway(kubeConfig('sandbox-bot'), 'sandbox-bot');
    const [pod] = await gateway.listPods('chat', 'mattermost');
    expect(pod).toBeDefined();
    const tails = createLogTails({ logs: gateway, clock: systemClock, logger: silentLogger, timeoutMs: 10_000 });
    const started = Date.now();
    const read = await tails(incidentOn(pod!.name));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(read?.tail).toMatchObject({ pod: pod!.name, container: 'mattermost' });
    // kwok serves every pod the sandbox's one previous log file (KWOK_PREVIOUS_LOG), empty unless
    // the incident e2e test wrote it; a kwok without its ClusterLogs serves none (connection refused).
    if (read?.file) {
      expect(read.tail.shown).toBeTruthy();
    } else {
      expect(['the previous container wrote nothing', 'the node did not serve it']).toContain(read?.tail.unavailable);
      expect(logTailBlocks(read?.tail)).toEqual([{ kind: 'text', text: `log tail: not available (${read?.tail.unavailable})` }]);
    }
  });

  it('says the pod is gone for a pod that does not exist', async () => {
    const gateway = createKubeGateway(kubeConfig('sandbox-bot'), 'sandbox-bot');
    const tails = createLogTails({ logs: gateway, clock: systemClock, logger: silentLogger });
    expect((await tails(incidentOn('mattermost-no-such-pod')))?.tail.unavailable).toBe('the pod is gone');
  });
});
