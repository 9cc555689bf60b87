/**
 * Asking the sandbox apiserver, as admin, whether a user or ServiceAccount may do something
 * (SubjectAccessReview): the RBAC tests of the plain manifests and of the chart ask the same way.
 */
import { AuthorizationV1Api, type V1ResourceAttributes } from '@kubernetes/client-node';
import { kubeConfig } from './sandbox.ts';

export type Subject = { user: string; groups?: string[] };

export const mm = 'installation.mattermost.com';
export const coord = 'coordination.k8s.io';

const admin = kubeConfig();

export async function allowed(who: Subject, attributes: V1ResourceAttributes): Promise<boolean> {
  const review = await admin.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: who.user, groups: who.groups ?? [], resourceAttributes: attributes },
    },
  });
  return review.status?.allowed ?? false;
}

/** `verb resource[/sub] [in namespace] [named name]` as a SubjectAccessReview attribute set. */
export const can = (verb: string, resource: string, namespace?: string, group = '', name?: string): V1ResourceAttributes => {
  const [main, subresource] = resource.split('/');
  return { verb, resource: main, group, ...(subresource ? { subresource } : {}), ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) };
};

type Right = [string, V1ResourceAttributes];

/**
 * Where the bot's rights are checked: its state namespace, a namespace with installations, one
 * where `create` is bound (Secrets' keys), one where backups are bound (Jobs), and one where
 * neither is.
 */
export interface RightsPlaces {
  state: string;
  installations: string;
  creates: string;
  backups: string;
  elsewhere: string;
}

/** What the bot must be able to do: every call its adapters make (the plain manifests and the chart alike). */
export function botNeeds(p: RightsPlaces): Right[] {
  return [
    ...['get', 'list', 'watch', 'create', 'patch', 'delete'].map((v): Right => [`${v} mattermosts`, can(v, 'mattermosts', p.installations, mm)]),
    ['list mattermosts in every namespace', can('list', 'mattermosts', undefined, mm)],
    ['list pods', can('list', 'pods', p.installations)],
    ['get pods/log', can('get', 'pods/log', p.installations)],
    ['get secrets where create is bound', can('get', 'secrets', p.creates)],
    ['list jobs', can('list', 'jobs', p.installations, 'batch')],
    ['create runner jobs where backups are bound', can('create', 'jobs', p.backups, 'batch')],
    ['list events', can('list', 'events', p.installations)],
    ['list events in every namespace', can('list', 'events')],
    // The events cache of every serve replica (src/adapters/kubernetes/warning-events-cache.ts), where status reads warnings.
    ['watch events where installations live (status events cache)', can('watch', 'events', p.installations)],
    // The incident watch (src/leader/incident-watch.ts): every kind it follows, in every namespace.
    ...(['pods', 'events', 'jobs', 'deployments', 'replicasets', 'mattermosts'] as const).flatMap((r): Right[] => {
      const group = { jobs: 'batch', deployments: 'apps', replicasets: 'apps', mattermosts: mm }[r as string] ?? '';
      return ['list', 'watch'].map((v): Right => [`${v} ${r} in every namespace (incident watch)`, can(v, r, undefined, group)]);
    }),
    ['create events on installations', can('create', 'events', p.installations)],
    ...['get', 'list', 'create', 'update', 'delete'].flatMap((v): Right[] => [
      [`${v} leases in the state namespace`, can(v, 'leases', p.state, coord)],
      [`${v} configmaps in the state namespace`, can(v, 'configmaps', p.state)],
    ]),
  ];
}

/** What it must not: state outside the state namespace, rewriting Events, Jobs, secrets' contents, Deployments, admins' powers. */
export function botMustNot(p: RightsPlaces): Right[] {
  return [
    ['create leases where installations live', can('create', 'leases', p.installations, coord)],
    ['list leases in every namespace', can('list', 'leases', undefined, coord)],
    ['create configmaps where installations live', can('create', 'configmaps', p.installations)],
    ['list configmaps in every namespace', can('list', 'configmaps')],
    ['patch events', can('patch', 'events', p.installations)],
    ['update events', can('update', 'events', p.installations)],
    ['delete events', can('delete', 'events', p.installations)],
    ['create events.k8s.io events', can('create', 'events', p.installations, 'events.k8s.io')],
    ['create jobs where backups are not bound', can('create', 'jobs', p.elsewhere, 'batch')],
    ['create jobs in every namespace', can('create', 'jobs', undefined, 'batch')],
    ['delete jobs', can('delete', 'jobs', p.backups, 'batch')],
    ['patch jobs', can('patch', 'jobs', p.backups, 'batch')],
    ['list secrets where create is bound', can('list', 'secrets', p.creates)],
    ['watch secrets', can('watch', 'secrets', p.creates)],
    ['create secrets', can('create', 'secrets', p.creates)],
    ['get secrets where create is not bound', can('get', 'secrets', p.elsewhere)],
    ['get secrets in every namespace', can('get', 'secrets')],
    ['patch deployments', can('patch', 'deployments', p.installations, 'apps')],
    ['delete namespaces', can('delete', 'namespaces')],
    ['update mattermosts (patch is enough)', can('update', 'mattermosts', p.installations, mm)],
    ['impersonate system:masters', can('impersonate', 'groups', undefined, '', 'system:masters')],
    ['escalate roles', can('escalate', 'clusterroles', undefined, 'rbac.authorization.k8s.io')],
  ];
}
