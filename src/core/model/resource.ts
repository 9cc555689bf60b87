/**
 * A kind of Kubernetes object (apiVersion, kind, plural), the one shape for a kind whether a change
 * writes it or a watch follows it, and how a change writes one object (a merge patch, a create, a
 * delete). Data only (zod schemas), so a plan's writes can be kept in an in-flight record and
 * carried out after a restart.
 */
import { z } from 'zod';

export const ResourceKindSchema = z.object({
  /** `v1`, `batch/v1`, `installation.mattermost.com/v1beta1`. */
  apiVersion: z.string(),
  kind: z.string(),
  /** The URL name: `mattermosts`, `jobs`, `configmaps`, `secrets`. */
  plural: z.string(),
});
export type ResourceKind = z.infer<typeof ResourceKindSchema>;

/** The kinds matterops writes or watches, by name, so callers need not spell them. */
export const kinds = {
  mattermost: { apiVersion: 'installation.mattermost.com/v1beta1', kind: 'Mattermost', plural: 'mattermosts' },
  job: { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs' },
  configMap: { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  secret: { apiVersion: 'v1', kind: 'Secret', plural: 'secrets' },
  pod: { apiVersion: 'v1', kind: 'Pod', plural: 'pods' },
  event: { apiVersion: 'v1', kind: 'Event', plural: 'events' },
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  replicaSet: { apiVersion: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets' },
} as const satisfies Record<string, ResourceKind>;

/** The kinds a change may write; the cluster adapter knows how to write each of them and refuses others. */
export const writableKinds: readonly ResourceKind[] = [kinds.mattermost, kinds.job, kinds.configMap, kinds.secret];

export const sameKind = (a: ResourceKind, b: ResourceKind): boolean => a.apiVersion === b.apiVersion && a.plural === b.plural;

/** Where a kind is served: `group` is '' for the core group (`v1`, served under `/api/v1`). */
export function groupVersionOf(kind: ResourceKind): { group: string; version: string } {
  const slash = kind.apiVersion.indexOf('/');
  return slash === -1 ? { group: '', version: kind.apiVersion } : { group: kind.apiVersion.slice(0, slash), version: kind.apiVersion.slice(slash + 1) };
}

export const WriteActionSchema = z.discriminatedUnion('kind', [
  /** A JSON merge patch (RFC 7386), the only patch matterops sends. */
  z.object({ kind: z.literal('patch'), patch: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal('create'), body: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal('delete') }),
]);
export type WriteAction = z.infer<typeof WriteActionSchema>;

/** One write to one object. */
export const ResourceWriteSchema = z.object({
  resource: ResourceKindSchema,
  namespace: z.string(),
  name: z.string(),
  action: WriteActionSchema,
});
export type ResourceWrite = z.infer<typeof ResourceWriteSchema>;

/** What the apiserver stored (or, in a dry run, would store). */
export interface WrittenObject {
  /** The object as the apiserver returned it. */
  object: unknown;
  generation: number;
  resourceVersion: string;
}

export const describeObject = (w: Pick<ResourceWrite, 'resource' | 'namespace' | 'name'>): string => `${w.resource.kind} ${w.namespace}/${w.name}`;
