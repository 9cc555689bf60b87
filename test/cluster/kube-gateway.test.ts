/** The client-node adapter against the real apiserver and operator, through the bot's own identity. */
import { clusterGatewayContract } from '../contract/cluster-gateway.contract.ts';
import { sandboxGatewaySubject } from '../support/sandbox-gateway-subject.ts';

clusterGatewayContract('client-node against the sandbox', sandboxGatewaySubject('contract'));
