/**
 * A Job as the core sees it (src/adapters/kubernetes/kube-mappers.ts): the backup catalog finds
 * runner Jobs by their labels and reads who asked from their annotations (issue 11), and only our
 * own annotations come along.
 */
import type { V1Job } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { toJobInfo } from '../../../src/adapters/kubernetes/kube-mappers.ts';
import { backupAnnotations, backupLabels } from '../../../src/core/model/backup.ts';

describe('toJobInfo', () => {
  it('carries the labels and the matterops.io/ annotations of a runner Job, and its failure', () => {
    const job: V1Job = {
      metadata: {
        name: 'backup-20261201-231800-a1b2',
        labels: { [backupLabels.operation]: 'backup', [backupLabels.backupId]: '20261201-231800-a1b2' },
        annotations: {
          [backupAnnotations.requestedBy]: 'alice',
          [backupAnnotations.note]: 'before upgrade',
          'kubectl.kubernetes.io/last-applied-configuration': '{"a whole copy":"of the Job"}',
        },
      },
      status: { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
    };
    expect(toJobInfo(job)).toMatchObject({
      failed: 1,
      failureReason: 'BackoffLimitExceeded',
      labels: { 'matterops.io/operation': 'backup', 'matterops.io/backup-id': '20261201-231800-a1b2' },
      annotations: { 'matterops.io/requested-by': 'alice', 'matterops.io/note': 'before upgrade' },
    });
    expect(Object.keys(toJobInfo(job).annotations ?? {})).toHaveLength(2);
  });

  it('gives empty labels and annotations to a Job without any', () => {
    expect(toJobInfo({ metadata: { name: 'plain' } })).toMatchObject({ labels: {}, annotations: {} });
  });
});
