/**
 * Which runner Jobs the incident rules read (src/adapters/kubernetes/incident-objects.ts): backup
 * and drill Jobs by the operation label the runner Job carries (issue 11: a failed drill opens an
 * incident as a failed backup does), not restore or prune Jobs, which report to whoever ran them.
 */
import { describe, expect, it } from 'vitest';
import { jobSnapshot } from '../../../src/adapters/kubernetes/incident-objects.ts';
import { backupLabels } from '../../../src/core/model/backup.ts';
import type { WatchedObject } from '../../../src/core/ports/cluster-watch.ts';

const runnerJob = (operation: string): WatchedObject =>
  ({
    metadata: {
      name: `matterops-${operation}-20261127-083000-a1b2`,
      namespace: 'chat',
      creationTimestamp: '2026-11-27T08:30:00Z',
      labels: { [backupLabels.operation]: operation, [backupLabels.installation]: 'mattermost' },
    },
    status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', lastTransitionTime: '2026-11-27T08:31:00Z' }] },
  }) as unknown as WatchedObject;

describe('runner Jobs the incident rules read', () => {
  it.each(['backup', 'drill'] as const)('a failed %s Job is about its installation, with its purpose', (operation) => {
    expect(jobSnapshot(runnerJob(operation))).toMatchObject({
      installation: 'mattermost',
      job: { name: `matterops-${operation}-20261127-083000-a1b2`, purpose: operation, failed: { status: 'True', reason: 'BackoffLimitExceeded' } },
    });
  });

  it.each(['restore', 'prune', 'other'])('a %s Job is none of theirs', (operation) => {
    expect(jobSnapshot(runnerJob(operation))).toBeUndefined();
  });
});
