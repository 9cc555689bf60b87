/**
 * The ClusterGateway port over @kubernetes/client-node, for one kubeconfig context. Every call goes
 * through `guard`, so callers only ever see matterops errors (kube-errors.ts).
 */
import {
  AuthenticationV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  VersionApi,
  setHeaderMiddleware,
  type ConfigurationOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { MatteropsError } from '../../core/errors.ts';
import { toInstallation, type Installation } from '../../core/model/installation.ts';
import type { ClusterGateway } from '../../core/ports/cluster-gateway.ts';
import type { ClusterWatch } from '../../core/ports/cluster-watch.ts';
import { createKubeClusterWatch } from './cluster-watch.ts';
import { concernsInstallation, seenSince } from '../../core/model/workload.ts';
import { isNotFound, statusBody, toMatteropsError } from './kube-errors.ts';
import { appContainerName, describeTermination, toEventInfo, toJobInfo, toPodInfo, waitingContainer } from './kube-mappers.ts';
import { watchInstallation } from './installation-watch.ts';
import { createResourceWriter } from './resource-writer.ts';

/** Where Mattermost custom resources live (reference/mattermost.md A.1). */
export const mattermostResource = { group: 'installation.mattermost.com', version: 'v1beta1', plural: 'mattermosts' } as const;

function crdMissing(context: string): MatteropsError {
  return new MatteropsError(
    'not_found',
    `the Mattermost operator's CRD (mattermosts.installation.mattermost.com) is not installed in cluster ${context}`,
    'install the Mattermost operator in that cluster, or pick another with --cluster',
  );
}

export interface Impersonation {
  user: string;
  groups: string[];
}

/** Per-call options: merge-patch content type for patches, impersonation headers when acting as a user. */
function callOptions(as: Impersonation | undefined, mergePatch = false): ConfigurationOptions {
  const middleware = [
    ...(mergePatch ? [setHeaderMiddleware('Content-Type', PatchStrategy.MergePatch)] : []),
    ...(as ? [setHeaderMiddleware('Impersonate-User', as.user), ...as.groups.map((g) => setHeaderMiddleware('Impersonate-Group', g))] : []),
  ];
  return { middleware, middlewareMergeStrategy: 'append' };
}

/**
 * `watch` follows installations (a change's follow); without one, a watch of `kc` with no logger
 * (tests). The directory passes one built with the clock and logger.
 */
export function createKubeGateway(kc: KubeConfig, context: string, watch: ClusterWatch = createKubeClusterWatch(kc), as?: Impersonation): ClusterGateway {
  const server = kc.getCluster(kc.getContextObject(context)?.cluster ?? '')?.server ?? 'unknown server';
  const where = { context, server };
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const opts = callOptions(as);
  const write = createResourceWriter(kc, { call: opts, mergePatch: callOptions(as, true) });

  async function guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toMatteropsError(error, where);
    }
  }

  async function listInstallations(namespace?: string): Promise<Installation[]> {
    try {
      const list = (
        namespace
          ? await custom.listNamespacedCustomObject({ ...mattermostResource, namespace }, opts)
          : await custom.listClusterCustomObject({ ...mattermostResource }, opts)
      ) as { items: unknown[] };
      return list.items.map(toInstallation);
    } catch (error) {
      if (isNotFound(error)) throw crdMissing(context);
      throw toMatteropsError(error, where);
    }
  }

  async function getInstallation(namespace: string, name: string): Promise<Installation | undefined> {
    try {
      return toInstallation(await custom.getNamespacedCustomObject({ ...mattermostResource, namespace, name }, opts));
    } catch (error) {
      if (!isNotFound(error)) throw toMatteropsError(error, where);
      // A 404 for the object names it; a 404 without a name means the resource type is unknown.
      if (statusBody(error).details?.name === name) return undefined;
      throw crdMissing(context);
    }
  }

  return {
    context,
    server,
    listInstallations,
    getInstallation,
    listPods: (namespace, installation) =>
      guard(async () =>
        (await core.listNamespacedPod({ namespace, labelSelector: `installation.mattermost.com/installation=${installation}` }, opts)).items.map(toPodInfo),
      ),
    listEvents: (namespace, installation) =>
      guard(async () =>
        (await core.listNamespacedEvent({ namespace }, opts)).items
          .filter((e) => concernsInstallation(installation, e.involvedObject.name ?? ''))
          .map(toEventInfo),
      ),
    // The apiserver keeps the Normal events (most of them) out of the answer.
    listWarnings: (namespace, installation, since) =>
      guard(async () =>
        (await core.listNamespacedEvent({ namespace, fieldSelector: 'type=Warning' }, opts)).items
          .filter((e) => concernsInstallation(installation, e.involvedObject.name ?? ''))
          .map(toEventInfo)
          .filter(seenSince(since)),
      ),
    listJobs: (namespace) => guard(async () => (await batch.listNamespacedJob({ namespace }, opts)).items.map(toJobInfo)),
    jobPodFailures: (namespace, job) =>
      guard(async () =>
        (await core.listNamespacedPod({ namespace, labelSelector: `job-name=${job}` }, opts)).items
          .filter((p) => p.status?.phase === 'Failed')
          .map(describeTermination),
      ),
    jobPodsWaiting: (namespace, job) =>
      guard(async () => (await core.listNamespacedPod({ namespace, labelSelector: `job-name=${job}` }, opts)).items.flatMap(waitingContainer)),
    jobTerminationMessages: (namespace, job) =>
      guard(async () =>
        (await core.listNamespacedPod({ namespace, labelSelector: `job-name=${job}` }, opts)).items
          .filter((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed')
          .sort((a, b) => (b.metadata?.creationTimestamp?.getTime() ?? 0) - (a.metadata?.creationTimestamp?.getTime() ?? 0))
          .flatMap((p) => p.status?.containerStatuses?.[0]?.state?.terminated?.message ?? []),
      ),
    readLog: (namespace, request) =>
      guard(() =>
        core.readNamespacedPodLog({
          namespace,
          name: request.pod,
          container: request.container ?? appContainerName,
          tailLines: request.tailLines,
          previous: request.previous,
          ...(request.sinceSeconds ? { sinceSeconds: request.sinceSeconds } : {}),
          ...(request.limitBytes ? { limitBytes: request.limitBytes } : {}),
        }),
      ),
    whoAmI: () =>
      guard(async () => {
        const review = await kc
          .makeApiClient(AuthenticationV1Api)
          .createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
        return { username: review.status?.userInfo?.username ?? 'unknown', groups: review.status?.userInfo?.groups ?? [] };
      }),
    serverVersion: () => guard(async () => (await kc.makeApiClient(VersionApi).getCode()).gitVersion),
    write: (request, options) => guard(() => write(request, options)),
    secretKeys: async (namespace, name) => {
      try {
        const secret = await core.readNamespacedSecret({ namespace, name }, opts);
        return [...new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})])];
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toMatteropsError(error, where);
      }
    },
    watchInstallation: (namespace, name, onChange) => watchInstallation({ watch, namespace, name }, onChange),
    impersonate: (user, groups) => createKubeGateway(kc, context, watch, { user, groups }),
  };
}
