/**
 * Single flight over the client-node adapter (issue 16, item 4), as the bot's directory builds it,
 * against the real apiserver and operator: the same contract as the adapter alone.
 */
import { singleFlight } from '../../src/adapters/kubernetes/single-flight-gateway.ts';
import { clusterGatewayContract } from '../contract/cluster-gateway.contract.ts';
import { sandboxGatewaySubject } from '../support/sandbox-gateway-subject.ts';

clusterGatewayContract('single flight over client-node against the sandbox', sandboxGatewaySubject('flight', singleFlight));
