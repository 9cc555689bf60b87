/**
 * Every Kubernetes call has a deadline (issue 9, item 12): an apiserver that accepts the connection
 * and then says nothing must not hold a command, a Lease renewal or a follow for ever. Against a
 * loopback socket that never answers; the cluster tier does the same through a stalled proxy in
 * front of the real apiserver (test/cluster/kube-deadline.test.ts).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeepAliveKubeConfig } from '../../../src/adapters/kubernetes/keep-alive-kube-config.ts';
import { createKubeGateway } from '../../../src/adapters/kubernetes/kube-gateway.ts';
import { MatteropsError } from '../../../src/core/errors.ts';

let server: Server;
let port = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  }); // reads, never answers
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function silentCluster(requestTimeoutMs: number): KeepAliveKubeConfig {
  const kc = new KeepAliveKubeConfig(undefined, requestTimeoutMs);
  kc.loadFromOptions({
    clusters: [{ name: 'silent', server: `https://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'x' }],
    contexts: [{ name: 'silent', cluster: 'silent', user: 'u' }],
    currentContext: 'silent',
  });
  return kc;
}

describe('a Kubernetes call that gets no answer', () => {
  it('is abandoned at its deadline and reported as unavailable, naming the cluster', async () => {
    const gateway = createKubeGateway(silentCluster(300), 'silent');
    const started = Date.now();
    const error = await gateway.listInstallations('chat').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MatteropsError);
    expect((error as MatteropsError).code).toBe('unavailable');
    expect((error as MatteropsError).message).toBe(`cluster silent at https://127.0.0.1:${port} did not answer in time`);
    expect(Date.now() - started).toBeLessThan(3_000);
  }, 10_000);
});
