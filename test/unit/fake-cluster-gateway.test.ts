/** The fake gateway runs the same contract as the real adapter (test/cluster/kube-gateway.test.ts). */
import { clusterGatewayContract } from '../contract/cluster-gateway.contract.ts';
import { FakeClusterGateway } from '../fakes/fake-cluster-gateway.ts';

const gateway = new FakeClusterGateway('sandbox-bot');
gateway.seed('contract', 'contract-mm', { replicas: 2, version: '9.9.0' });
const unreachable = new FakeClusterGateway('down', 'https://127.0.0.1:1');
unreachable.reachable = false;

clusterGatewayContract('fake', () => ({
  gateway, unreachable, seeded: { namespace: 'contract', name: 'contract-mm', replicas: 2, version: '9.9.0' },
}));
