/**
 * Writes one object of any kind the core names (model/resource.ts): a merge patch, a create or a
 * delete, dry-run or real, with a resourceVersion precondition when asked. Group kinds (the
 * Mattermost CR, batch/v1 Jobs) go through the custom-objects API, which serves any /apis group;
 * core v1 kinds (ConfigMaps, Secrets) through CoreV1Api. A Secret comes back without its data: the
 * core never holds a secret value it did not write itself.
 */
import { CoreV1Api, CustomObjectsApi, type ConfigurationOptions, type KubeConfig } from '@kubernetes/client-node';
import { MatteropsError } from '../../core/errors.ts';
import { groupVersionOf, writableKinds, type ResourceWrite, type WrittenObject } from '../../core/model/resource.ts';
import type { WriteOptions } from '../../core/ports/cluster-gateway.ts';

export interface WriterOptions {
  /** Per-call options (impersonation), and the same with the merge-patch content type. */
  call: ConfigurationOptions;
  mergePatch: ConfigurationOptions;
}

/** Only the kinds the core names: the custom-objects API would write any other group kind. */
const writable = new Set(writableKinds.map((k) => `${k.apiVersion}/${k.plural}`));

type Meta = { metadata?: { generation?: number; resourceVersion?: string } };

function written(object: unknown, secret: boolean): WrittenObject {
  const meta = (object as Meta).metadata ?? {};
  // A Secret's annotations may hold its data too (kubectl's last-applied-configuration): only its identity comes back.
  const shown = secret ? { metadata: { generation: meta.generation, resourceVersion: meta.resourceVersion } } : object;
  return { object: shown, generation: meta.generation ?? 0, resourceVersion: meta.resourceVersion ?? '' };
}

/**
 * With a body, the apiserver reads DeleteOptions from it and ignores the dryRun query parameter: a
 * dry run must say so in the body, or it really deletes (seen in tests).
 */
const deleteBody = (options: WriteOptions): object => ({
  ...(options.dryRun ? { dryRun: ['All'] } : {}),
  propagationPolicy: 'Background',
  ...(options.resourceVersion ? { preconditions: { resourceVersion: options.resourceVersion } } : {}),
});

/** A resourceVersion in a merge patch is a precondition: the apiserver answers 409 if it moved. */
const withPrecondition = (patch: object, options: WriteOptions): object =>
  options.resourceVersion ? { ...patch, metadata: { ...(patch as { metadata?: object }).metadata, resourceVersion: options.resourceVersion } } : patch;

const dryRunOf = (options: WriteOptions): { dryRun?: string } => (options.dryRun ? { dryRun: 'All' } : {});

export function createResourceWriter(kc: KubeConfig, o: WriterOptions): (request: ResourceWrite, options: WriteOptions) => Promise<WrittenObject | undefined> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);

  async function groupWrite(request: ResourceWrite, group: string, version: string, options: WriteOptions): Promise<WrittenObject | undefined> {
    const ref = { group, version, plural: request.resource.plural, namespace: request.namespace };
    const { action } = request;
    switch (action.kind) {
      case 'patch':
        return written(
          await custom.patchNamespacedCustomObject(
            { ...ref, name: request.name, body: withPrecondition(action.patch, options), ...dryRunOf(options) },
            o.mergePatch,
          ),
          false,
        );
      case 'create':
        return written(await custom.createNamespacedCustomObject({ ...ref, body: action.body, ...dryRunOf(options) }, o.call), false);
      case 'delete':
        await custom.deleteNamespacedCustomObject({ ...ref, name: request.name, body: deleteBody(options) }, o.call);
        return undefined;
    }
  }

  async function coreWrite(request: ResourceWrite, options: WriteOptions): Promise<WrittenObject | undefined> {
    const { namespace, name, action } = request;
    const secret = request.resource.plural === 'secrets';
    if (!secret && request.resource.plural !== 'configmaps') throw new MatteropsError('internal', `matterops does not write ${request.resource.kind} objects`);
    const args = { namespace, name, ...dryRunOf(options) };
    switch (action.kind) {
      case 'patch': {
        const body = withPrecondition(action.patch, options);
        return written(
          secret ? await core.patchNamespacedSecret({ ...args, body }, o.mergePatch) : await core.patchNamespacedConfigMap({ ...args, body }, o.mergePatch),
          secret,
        );
      }
      case 'create': {
        const body = action.body;
        return written(
          secret
            ? await core.createNamespacedSecret({ namespace, body, ...dryRunOf(options) }, o.call)
            : await core.createNamespacedConfigMap({ namespace, body, ...dryRunOf(options) }, o.call),
          secret,
        );
      }
      case 'delete': {
        const body = deleteBody(options);
        if (secret) await core.deleteNamespacedSecret({ namespace, name, body }, o.call);
        else await core.deleteNamespacedConfigMap({ namespace, name, body }, o.call);
        return undefined;
      }
    }
  }

  return async (request, options) => {
    if (!writable.has(`${request.resource.apiVersion}/${request.resource.plural}`))
      throw new MatteropsError('internal', `matterops does not write ${request.resource.kind} objects`);
    const { group, version } = groupVersionOf(request.resource);
    return group ? await groupWrite(request, group, version, options) : await coreWrite(request, options);
  };
}
