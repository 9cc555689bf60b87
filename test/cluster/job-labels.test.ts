/**
 * The backup catalog reads runner Jobs through the gateway by their labels and annotations (issue
 * 11): against the real apiserver, a Job made by the admin comes back to the bot with its labels
 * and only its matterops.io/ annotations.
 */
import { BatchV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKubeGateway } from '../../src/adapters/kubernetes/kube-gateway.ts';
import { backupAnnotations, backupLabels } from '../../src/core/model/backup.ts';
import { kubeConfig, testNamespace } from '../support/sandbox.ts';

describe('runner Jobs through the gateway', () => {
  let namespace = '';
  const id = '20261201-231800-a1b2';

  beforeAll(async () => {
    namespace = await testNamespace('job-labels');
    // Suspended: the Job controller starts no pod, the Job is only read.
    await kubeConfig()
      .makeApiClient(BatchV1Api)
      .createNamespacedJob({
        namespace,
        body: {
          metadata: {
            name: `backup-${id}`,
            labels: { [backupLabels.runner]: 'job', [backupLabels.operation]: 'backup', [backupLabels.backupId]: id },
            annotations: { [backupAnnotations.requestedBy]: 'alice', [backupAnnotations.note]: 'before upgrade', 'example.com/other': 'not ours' },
          },
          spec: {
            suspend: true,
            template: { spec: { restartPolicy: 'Never', containers: [{ name: 'runner', image: 'matterops:test' }] } },
          },
        },
      });
  });

  it('lists the Job with its labels and its matterops.io/ annotations only', async () => {
    const jobs = await createKubeGateway(kubeConfig('sandbox-bot'), 'sandbox-bot').listJobs(namespace);
    const job = jobs.find((j) => j.name === `backup-${id}`);
    expect(job?.labels).toMatchObject({ 'matterops.io/operation': 'backup', 'matterops.io/backup-id': id });
    expect(job?.annotations).toEqual({ 'matterops.io/requested-by': 'alice', 'matterops.io/note': 'before upgrade' });
  });
});
