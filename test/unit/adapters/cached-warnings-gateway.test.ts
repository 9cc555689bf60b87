/**
 * The gateway `serve` gives `status`: warnings from the events cache once it can tell, from the
 * apiserver (here the fake gateway, counting its calls) before, and always for an impersonated
 * identity, whose rights the bot's cache does not know.
 */
import { describe, expect, it } from 'vitest';
import { withCachedWarnings } from '../../../src/adapters/kubernetes/cached-warnings-gateway.ts';
import type { WarningEventsCache } from '../../../src/adapters/kubernetes/warning-events-cache.ts';
import type { EventInfo } from '../../../src/core/model/workload.ts';
import { FakeClusterGateway } from '../../fakes/fake-cluster-gateway.ts';

const cached: EventInfo = { type: 'Warning', reason: 'FromCache', message: 'm', objectKind: 'Pod', objectName: 'mattermost-a', count: 1, lastSeen: new Date() };

function rig(answer: EventInfo[] | undefined) {
  const fake = new FakeClusterGateway();
  fake.seed('chat', 'mattermost');
  fake.record({ namespace: 'chat', type: 'Warning', objectKind: 'Pod', objectName: 'mattermost-a', reason: 'FromApi', message: 'm', lastSeen: new Date() });
  const asked: string[] = [];
  const cache: WarningEventsCache = {
    warnings: (namespace, installation) => {
      asked.push(`${namespace}/${installation}`);
      return answer;
    },
    stop: () => Promise.resolve(),
  };
  return { fake, asked, gateway: withCachedWarnings(fake, cache) };
}

const since = new Date(Date.now() - 3_600_000);

describe('cached warnings gateway', () => {
  it('answers from the cache when it can tell, without a call to the apiserver', async () => {
    const { fake, asked, gateway } = rig([cached]);
    const calls = fake.calls;
    expect((await gateway.listWarnings('chat', 'mattermost', since)).map((e) => e.reason)).toEqual(['FromCache']);
    expect(asked).toEqual(['chat/mattermost']);
    expect(fake.calls).toBe(calls);
  });

  it('asks the apiserver when the cache cannot tell (not listed yet, failing, not watched, too far back)', async () => {
    const { fake, gateway } = rig(undefined);
    const calls = fake.calls;
    expect((await gateway.listWarnings('chat', 'mattermost', since)).map((e) => e.reason)).toEqual(['FromApi']);
    expect(fake.calls).toBe(calls + 1);
  });

  it('leaves every other read, and an impersonated identity, to the gateway it wraps', async () => {
    const { fake, asked, gateway } = rig([cached]);
    expect(gateway.context).toBe(fake.context);
    expect((await gateway.getInstallation('chat', 'mattermost'))?.name).toBe('mattermost');
    expect((await gateway.listEvents('chat', 'mattermost')).map((e) => e.reason)).toEqual(['FromApi']);
    const alice = gateway.impersonate('alice', []);
    expect((await alice.listWarnings('chat', 'mattermost', since)).map((e) => e.reason)).toEqual(['FromApi']);
    expect(asked).toEqual([]);
  });
});
