/**
 * Single flight over a gateway (issue 16, item 4): concurrent reads of one installation make one
 * request; nothing is kept once it has answered; a write starts the next read afresh; identities
 * do not share. And the decorated gateway keeps the ClusterGateway contract.
 */
import { describe, expect, it } from 'vitest';
import { singleFlight } from '../../../src/adapters/kubernetes/single-flight-gateway.ts';
import { kinds } from '../../../src/core/model/resource.ts';
import { clusterGatewayContract } from '../../contract/cluster-gateway.contract.ts';
import { FakeClusterGateway } from '../../fakes/fake-cluster-gateway.ts';

const contractGateway = new FakeClusterGateway('sandbox-bot');
contractGateway.seed('contract', 'contract-mm', { replicas: 2, version: '9.9.0' });
const sibling = new FakeClusterGateway('sandbox-alice');
sibling.seed('contract-sibling', 'sibling-mm');
const unreachable = new FakeClusterGateway('down', 'https://127.0.0.1:1');
unreachable.reachable = false;

clusterGatewayContract('single flight over the fake', () => ({
  gateway: singleFlight(contractGateway),
  unreachable: singleFlight(unreachable),
  seeded: { namespace: 'contract', name: 'contract-mm', replicas: 2, version: '9.9.0' },
  jobWaitingForSecret: () => {
    contractGateway.jobWaiting.set('contract/waits', [{ pod: 'waits-x7k2p', reason: 'CreateContainerConfigError', message: 'secret "not-there" not found' }]);
    return Promise.resolve({ namespace: 'contract', job: 'waits', secret: 'not-there' });
  },
  recordEvent: (e) => Promise.resolve(contractGateway.record(e)),
  sibling: { gateway: singleFlight(sibling), seeded: { namespace: 'contract-sibling', name: 'sibling-mm' } },
}));

function seeded(): FakeClusterGateway {
  const fake = new FakeClusterGateway();
  fake.seed('chat', 'mattermost', { replicas: 2 });
  return fake;
}

/** The four reads of `status`. */
const status = (g: ReturnType<typeof singleFlight>) =>
  Promise.all([
    g.getInstallation('chat', 'mattermost'),
    g.listPods('chat', 'mattermost'),
    g.listWarnings('chat', 'mattermost', new Date(Date.now() - 3_600_000)),
    g.listJobs('chat'),
  ]);

describe('single flight', () => {
  it('serves 50 concurrent status reads of one installation with one request each', async () => {
    const fake = seeded();
    const gateway = singleFlight(fake);
    const answers = await Promise.all(Array.from({ length: 50 }, () => status(gateway)));
    expect(fake.calls).toBe(4);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]?.[0]?.spec.replicas).toBe(2);
    // Each caller has a list of its own: sorting one in place leaves the others alone.
    expect(answers[0]?.[1]).not.toBe(answers[1]?.[1]);
  });

  it('shares one read of the warnings between callers asking from different instants, each cut at its own', async () => {
    const fake = seeded();
    const at = (minutesAgo: number): Date => new Date(Date.parse('2026-11-27T09:00:00Z') - minutesAgo * 60_000);
    const warning = { namespace: 'chat', type: 'Warning' as const, objectKind: 'Pod', message: 'm' };
    fake.record({ ...warning, objectName: 'mattermost-a', reason: 'Recent', lastSeen: at(5) });
    fake.record({ ...warning, objectName: 'mattermost-b', reason: 'Older', lastSeen: at(50) });
    const gateway = singleFlight(fake);
    // The narrower caller first: the read it starts must still serve the wider one.
    const [tenMinutes, hour] = await Promise.all([gateway.listWarnings('chat', 'mattermost', at(10)), gateway.listWarnings('chat', 'mattermost', at(60))]);
    expect(fake.calls).toBe(1);
    expect(hour.map((e) => e.reason).sort()).toEqual(['Older', 'Recent']);
    expect(tenMinutes.map((e) => e.reason)).toEqual(['Recent']);
  });

  it('keeps nothing once a read has answered: the next one asks again', async () => {
    const fake = seeded();
    const gateway = singleFlight(fake);
    await status(gateway);
    await status(gateway);
    expect(fake.calls).toBe(8);
  });

  it("does not join a write's caller to a read sent before it wrote", async () => {
    const fake = seeded();
    // Reads answer what the cluster held when they were sent, once the gate opens.
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow = Object.create(fake) as FakeClusterGateway;
    slow.getInstallation = async (namespace, name) => {
      const then = await fake.getInstallation(namespace, name);
      await gate;
      return then;
    };
    const gateway = singleFlight(slow);
    const before = gateway.getInstallation('chat', 'mattermost');
    await gateway.write({ resource: kinds.mattermost, namespace: 'chat', name: 'mattermost', action: { kind: 'patch', patch: { spec: { replicas: 5 } } } }, {});
    const after = gateway.getInstallation('chat', 'mattermost');
    open();
    expect((await before)?.spec.replicas).toBe(2);
    expect((await after)?.spec.replicas).toBe(5);
  });

  it('shares reads within one identity, never across two', async () => {
    const fake = seeded();
    const gateway = singleFlight(fake);
    const alice = [gateway.impersonate('alice', ['ops', 'dev']), gateway.impersonate('alice', ['dev', 'ops'])];
    const bob = gateway.impersonate('bob', ['ops']);
    expect(alice[0]).toBe(alice[1]);
    expect(bob).not.toBe(alice[0]);
    expect(bob).not.toBe(gateway);
    expect((await bob.listPods('chat', 'mattermost')).length).toBe((await alice[0]!.listPods('chat', 'mattermost')).length);
  });

  it('shares a failure with those waiting, and the next read tries again', async () => {
    const fake = seeded();
    const gateway = singleFlight(fake);
    fake.reachable = false;
    const failed = await Promise.allSettled(Array.from({ length: 5 }, () => gateway.getInstallation('chat', 'mattermost')));
    expect(failed.every((r) => r.status === 'rejected')).toBe(true);
    expect(fake.calls).toBe(1);
    fake.reachable = true;
    expect((await gateway.getInstallation('chat', 'mattermost'))?.name).toBe('mattermost');
    expect(fake.calls).toBe(2);
  });
});
