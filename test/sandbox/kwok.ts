/**
 * kwok: fake nodes whose pods become Running and Ready, and whose Job pods complete, so the real
 * operator sees a working cluster (../shared/reference/real-peers.md, section 3).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * The container logs kwok serves for every pod (a ClusterLogs in its config): files in CRI log
 * format (`<RFC 3339 time> stderr F <line>`). Both start empty; a test writes `previous` to give
 * a crashed container a previous log (the incident root's log tail, docs/incidents.md).
 */
export const kwokLogFiles = (dataDir: string): { current: string; previous: string } => ({
  current: join(dataDir, 'kwok-logs', 'current.log'),
  previous: join(dataDir, 'kwok-logs', 'previous.log'),
});

function clusterLogs(dataDir: string): string {
  const files = kwokLogFiles(dataDir);
  mkdirSync(join(dataDir, 'kwok-logs'), { recursive: true });
  for (const file of [files.current, files.previous]) writeFileSync(file, '');
  return stringify({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterLogs',
    metadata: { name: 'every-pod' },
    spec: { logs: [{ logsFile: files.current, previousLogsFile: files.previous }] },
  });
}

/** The TLS pair kwok serves with: the apiserver reaches it as the nodes' kubelet, over https. */
export interface KwokTls {
  cert: string;
  key: string;
}

/**
 * kwok with its server as every node's kubelet endpoint (`--node-port`, the nodes' InternalIP is
 * 127.0.0.1), so the apiserver's pod log reads reach it and get the ClusterLogs files.
 */
export async function startKwok(dataDir: string, logDir: string, adminKubeconfig: string, tls: KwokTls): Promise<StartedProcess> {
  const config = join(dataDir, 'kwok.yaml');
  writeFileSync(config, [...stageFiles.map(stage), clusterLogs(dataDir)].join('\n---\n'));
  const port = await freePort();
  return startProcess('kwok', bin('kwok'), {
    log: join(logDir, 'kwok.log'),
    args: [
      `--kubeconfig=${adminKubeconfig}`,
      `--config=${config}`,
      '--manage-all-nodes=true',
      '--node-ip=127.0.0.1',
      `--node-port=${port}`,
      '--node-lease-duration-seconds=40',
      `--server-address=127.0.0.1:${port}`,
      `--tls-cert-file=${tls.cert}`,
      `--tls-private-key-file=${tls.key}`,
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
