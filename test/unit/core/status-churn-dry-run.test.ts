/**
 * The operator's status writes between matterops's read and its dry run do not fail a plan (seen
 * in CI: a confirm during a rollout re-planned, and the re-plan's dry run met a 409 on nothing but
 * status churn). The dry run carries no resourceVersion precondition; the write still does.
 */
import { describe, expect, it } from 'vitest';
import type { ResourceWrite } from '../../../src/core/model/resource.ts';
import type { WriteOptions } from '../../../src/core/ports/cluster-gateway.ts';
import { createHarness } from '../../support/core-harness.ts';

describe('status churn before the dry run', () => {
  it('a status write landing between the read and the dry run does not fail the plan', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const write = h.gateway.write.bind(h.gateway);
    let churned = false;
    h.gateway.write = async (request: ResourceWrite, options: WriteOptions) => {
      const raw = h.gateway.objects.get(`${request.namespace}/${request.name}`);
      // One status write of the operator, just before the first dry run: only the resourceVersion moves.
      if (options.dryRun && raw && !churned) {
        churned = true;
        raw.metadata.resourceVersion = String(Number(raw.metadata.resourceVersion) + 1_000);
      }
      return await write(request, options);
    };
    const { text, reply } = await h.run('scale mattermost 3');
    expect(reply.error).toBeUndefined();
    expect(text.split('\n')[0]).toBe('scale chat/mattermost: done, stable 3/3');
  });
});
