/** A throwaway CA, the apiserver's serving certificate and the service-account key pair (openssl). */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  saKey: string;
  saPub: string;
}

const openssl = (args: string[]): void => {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

/** Where the files of a sandbox's PKI are, made or not: a restarted apiserver reads the same ones. */
export function pkiPaths(dir: string): Pki {
  const p = (f: string): string => join(dir, f);
  return {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    serverCert: p('apiserver.crt'),
    serverKey: p('apiserver.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
  };
}

export function createPki(dir: string): Pki {
  const p = (f: string): string => join(dir, f);
  const pki = pkiPaths(dir);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=matterops-sandbox-ca', '-keyout', pki.caKey, '-out', pki.caCert]);
  writeFileSync(p('san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes.default.svc\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=kube-apiserver', '-keyout', pki.serverKey, '-out', p('apiserver.csr')]);
  openssl([
    'x509',
    '-req',
    '-in',
    p('apiserver.csr'),
    '-CA',
    pki.caCert,
    '-CAkey',
    pki.caKey,
    '-CAcreateserial',
    '-days',
    '30',
    '-extfile',
    p('san.cnf'),
    '-out',
    pki.serverCert,
  ]);
  openssl(['genrsa', '-out', pki.saKey, '2048']);
  openssl(['rsa', '-in', pki.saKey, '-pubout', '-out', pki.saPub]);
  return pki;
}
