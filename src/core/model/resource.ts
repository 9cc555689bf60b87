/**
 * Any Kubernetes object a change may write: its kind (apiVersion, kind, plural) and how it is
 * written (a merge patch, a create, a delete). Data only (zod schemas), so a plan's writes can be
 * kept in an in-flight record and carried out after a restart.
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

/** The kinds matterops writes; the cluster adapter knows how to write each of them. */
export const kinds = {
  mattermost: { apiVersion: 'installation.mattermost.com/v1beta1', kind: 'Mattermost', plural: 'mattermosts' },
  job: { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs' },
  configMap: { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  secret: { apiVersion: 'v1', kind: 'Secret', plural: 'secrets' },
} as const satisfies Record<string, ResourceKind>;

export const sameKind = (a: ResourceKind, b: ResourceKind): boolean => a.apiVersion === b.apiVersion && a.plural === b.plural;

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
