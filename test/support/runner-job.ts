/**
 * A bare Job whose pod the sandbox's runner-pod harness, not kwok, plays the node for (the runner
 * label, runnerPodSelector in test/sandbox/runner-pods.ts): for tests of the harness and of what
 * the gateway reads of Job pods.
 */
import type { V1Container, V1Job } from '@kubernetes/client-node';

export function runnerJobBody(name: string, container: Omit<V1Container, 'name' | 'image'>, options: { image?: string; serviceAccount?: string } = {}): V1Job {
  return {
    metadata: { name },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: { 'matterops.io/runner': 'job' } },
        spec: {
          restartPolicy: 'Never',
          ...(options.serviceAccount ? { serviceAccountName: options.serviceAccount } : {}),
          containers: [{ name: 'runner', image: options.image ?? 'matterops:sandbox', ...container }],
        },
      },
    },
  };
}
