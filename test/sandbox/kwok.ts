/**
 * kwok: fake nodes whose pods become Running and Ready, and whose Job pods complete, so the real
 * operator sees a working cluster (../shared/reference/real-peers.md, section 3).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { bin, peersDir } from './paths.ts';
import { freePort } from './ports.ts';
import { startProcess, type StartedProcess } from './processes.ts';

const stageFiles = [
  'node/fast/node-initialize.yaml',
  'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'pod/fast/pod-ready.yaml',
  'pod/fast/pod-complete.yaml',
  'pod/fast/pod-delete.yaml',
];

/**
 * Pods labelled `matterops.io/runner` are left alone by the ready and complete stages: the harness
 * runs or steers them itself (backup runner; a held update job or rollout in tests), then writes
 * their status. Verified recipe: ../shared/reference/real-peers.md, section 3.
 */
export const runnerLabel = 'matterops.io/runner';
const skipsRunnerPods = new Set(['pod/fast/pod-ready.yaml', 'pod/fast/pod-complete.yaml']);

function stage(file: string): string {
  const text = readFileSync(join(peersDir, 'kwok-stages', file), 'utf8');
  if (!skipsRunnerPods.has(file)) return text;
  const doc = parse(text) as { spec: { selector: { matchExpressions: object[] } } };
  doc.spec.selector.matchExpressions.push({ key: `.metadata.labels["${runnerLabel}"]`, operator: 'DoesNotExist' });
  return stringify(doc);
}

export async function startKwok(dataDir: string, logDir: string, adminKubeconfig: string): Promise<StartedProcess> {
  const config = join(dataDir, 'kwok.yaml');
  writeFileSync(config, stageFiles.map(stage).join('\n---\n'));
  return startProcess('kwok', bin('kwok'), {
    log: join(logDir, 'kwok.log'),
    args: [
      `--kubeconfig=${adminKubeconfig}`,
      `--config=${config}`,
      '--manage-all-nodes=true',
      '--node-ip=127.0.0.1',
      '--node-lease-duration-seconds=40',
      `--server-address=127.0.0.1:${await freePort()}`,
    ],
  });
}

/** Nodes that kwok adopts (annotation) and makes Ready, with room for many pods. */
export async function createFakeNodes(kc: KubeConfig, count: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const capacity = { cpu: '32', memory: '256Gi', pods: '110' };
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      core.createNode({
        body: {
          metadata: {
            name: `kwok-node-${i}`,
            annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
            labels: { 'kubernetes.io/hostname': `kwok-node-${i}`, type: 'kwok' },
          },
          status: { capacity, allocatable: capacity },
        },
      }),
    ),
  );
}
