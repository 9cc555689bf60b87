/**
 * etcd, kube-apiserver, kube-controller-manager and kube-scheduler on loopback ports, with the
 * verified flags of ../shared/reference/real-peers.md (section 2).
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { bin } from './paths.ts';
import { freePort } from './ports.ts';
import { startProcess, type StartedProcess } from './processes.ts';
import { waitFor } from './wait.ts';
import { httpsGet } from './https-get.ts';
import type { Pki } from './pki.ts';

export interface ControlPlanePorts {
  etcd: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
}

export async function allocateControlPlanePorts(): Promise<ControlPlanePorts> {
  return {
    etcd: await freePort(),
    etcdPeer: await freePort(),
    apiserver: await freePort(),
    controllerManager: await freePort(),
    scheduler: await freePort(),
  };
}

export function startEtcd(dataDir: string, logDir: string, ports: ControlPlanePorts): StartedProcess {
  const client = `http://127.0.0.1:${ports.etcd}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return startProcess('etcd', bin('etcd'), {
    log: join(logDir, 'etcd.log'),
    args: [
      '--data-dir',
      join(dataDir, 'etcd'),
      '--listen-client-urls',
      client,
      '--advertise-client-urls',
      client,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `default=${peer}`,
      '--unsafe-no-fsync',
      '--log-level',
      'warn',
    ],
  });
}

export function startApiserver(logDir: string, ports: ControlPlanePorts, pki: Pki, tokensCsv: string): StartedProcess {
  return startProcess('kube-apiserver', bin('kube-apiserver'), {
    log: join(logDir, 'kube-apiserver.log'),
    args: [
      `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${ports.apiserver}`,
      '--advertise-address=127.0.0.1',
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.caCert}`,
      `--token-auth-file=${tokensCsv}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      '--endpoint-reconciler-type=none',
    ],
  });
}

export async function waitApiserverReady(ports: ControlPlanePorts, pki: Pki, adminToken: string, log: string): Promise<void> {
  await waitFor(
    async () => {
      const { status, body } = await httpsGet(`https://127.0.0.1:${ports.apiserver}/readyz`, pki.caCert, adminToken);
      return status === 200 && body.trim() === 'ok';
    },
    { what: 'kube-apiserver /readyz', timeoutMs: 60_000, log },
  );
}

/** kube-controller-manager and kube-scheduler, both with the admin kubeconfig. */
export function startControllers(logDir: string, ports: ControlPlanePorts, pki: Pki, adminKubeconfig: string): StartedProcess[] {
  writeFileSync(join(logDir, 'kube-controller-manager.log'), '');
  const kcm = startProcess('kube-controller-manager', bin('kube-controller-manager'), {
    log: join(logDir, 'kube-controller-manager.log'),
    args: [
      `--kubeconfig=${adminKubeconfig}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${ports.controllerManager}`,
      `--service-account-private-key-file=${pki.saKey}`,
      `--root-ca-file=${pki.caCert}`,
      '--use-service-account-credentials=false',
      '--controllers=*,-serviceaccount-token',
    ],
  });
  const scheduler = startProcess('kube-scheduler', bin('kube-scheduler'), {
    log: join(logDir, 'kube-scheduler.log'),
    args: [`--kubeconfig=${adminKubeconfig}`, '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${ports.scheduler}`],
  });
  return [kcm, scheduler];
}
