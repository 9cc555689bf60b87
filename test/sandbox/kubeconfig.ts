/** The sandbox kubeconfig: one context per identity, so tests and people can act as any of them. */
import { stringify } from 'yaml';

export interface KubeIdentity {
  /** Kubernetes user name, also used in tokens.csv. */
  user: string;
  token: string;
  groups: string[];
  /** Context name in the kubeconfig. */
  context: string;
}

export function renderTokensCsv(identities: KubeIdentity[]): string {
  return identities.map((id, i) => `${id.token},${id.user},uid-${i}-${id.user}${id.groups.length ? `,"${id.groups.join(',')}"` : ''}`).join('\n') + '\n';
}

export function renderKubeconfig(server: string, caFile: string, identities: KubeIdentity[], current: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sandbox', cluster: { server, 'certificate-authority': caFile } }],
    users: identities.map((id) => ({ name: id.user, user: { token: id.token } })),
    contexts: identities.map((id) => ({ name: id.context, context: { cluster: 'sandbox', user: id.user } })),
    'current-context': current,
  });
}
