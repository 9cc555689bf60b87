/** The fake gateway runs the same contract as the real adapter (test/cluster/kube-gateway.test.ts). */
import { clusterGatewayContract } from '../contract/cluster-gateway.contract.ts';
import { FakeClusterGateway } from '../fakes/fake-cluster-gateway.ts';

const gateway = new FakeClusterGateway('sandbox-bot');
gateway.seed('contract', 'contract-mm', { replicas: 2, version: '9.9.0' });
// Seeded first in a fake of its own: its first object must still not share a resourceVersion with the other's.
const sibling = new FakeClusterGateway('sandbox-alice');
sibling.seed('contract-sibling', 'sibling-mm');
const unreachable = new FakeClusterGateway('down', 'https://127.0.0.1:1');
unreachable.reachable = false;

clusterGatewayContract('fake', () => ({
  gateway,
  unreachable,
  seeded: { namespace: 'contract', name: 'contract-mm', replicas: 2, version: '9.9.0' },
  jobWaitingForSecret: () => {
    // The fake's node is the test: it says what a kubelet would of a missing Secret.
    gateway.jobWaiting.set('contract/waits', [{ pod: 'waits-x7k2p', reason: 'CreateContainerConfigError', message: 'secret "not-there" not found' }]);
    return Promise.resolve({ namespace: 'contract', job: 'waits', secret: 'not-there' });
  },
  recordEvent: (e) => Promise.resolve(gateway.record(e)),
  sibling: { gateway: sibling, seeded: { namespace: 'contract-sibling', name: 'sibling-mm' } },
}));
