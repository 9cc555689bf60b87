/**
 * The runner-pod harness's decisions (the process is runner-pods-main.ts): which pods it runs, what
 * a pod's command becomes on this machine, and the environment and kubeconfig the process gets.
 * kwok runs no containers, so a Job pod labelled `matterops.io/runner=job` (which kwok's stages
 * leave Pending: kwok.ts) is run here as `node src/cli.ts ...`, as the bot's image would run it.
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { expandVars } from './runner-pod-env.ts';

/** The only pods the harness takes. Tests steer pods labelled `matterops.io/runner=held` by hand. */
export const runnerPodSelector = 'matterops.io/runner=job';

/** The image's entrypoint: a container runs matterops or the harness refuses it. */
const entrypoint = 'matterops';

/** Bound to a node, still Pending, not being deleted, and not taken before (by uid). */
export function isStartable(pod: V1Pod, handled: ReadonlySet<string>): boolean {
  const uid = pod.metadata?.uid;
  return Boolean(uid && !handled.has(uid) && pod.spec?.nodeName && pod.status?.phase === 'Pending' && !pod.metadata?.deletionTimestamp);
}

export type Invocation = { ok: true; args: string[] } | { ok: false; message: string };

/**
 * The arguments for `node <cli>`: as in the image, `command` replaces the entrypoint and must be
 * matterops itself (`matterops` or a path ending in `/matterops`); without a command the image's
 * entrypoint matterops gets `args`. `$(VAR)` is expanded from the pod's environment, as kubelet does.
 */
export function runnerInvocation(container: V1Container, cliPath: string, env: Record<string, string>): Invocation {
  const words = [...(container.command ?? [entrypoint]), ...(container.args ?? [])].map((w) => expandVars(w, env));
  const [program, ...rest] = words;
  if (program !== entrypoint && !program?.endsWith(`/${entrypoint}`)) {
    return {
      ok: false,
      message: `not a matterops runner: the command starts with ${JSON.stringify(container.command?.[0] ?? '')}; the image runs only matterops`,
    };
  }
  return { ok: true, args: [cliPath, ...rest] };
}

/**
 * What the process gets: the pod's environment and nothing from the harness's own but PATH, plus
 * what a node provides (HOME inside the "container", the service account's kubeconfig, the
 * termination log). HOME is a directory of the pod's own, so no ~/.kube or ~/.aws of this
 * machine can stand in for configuration the pod lacks.
 */
export function processEnv(podEnv: Record<string, string>, provided: { home: string; kubeconfig?: string; terminationLog: string }): Record<string, string> {
  return {
    ...podEnv,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: provided.home,
    ...(provided.kubeconfig ? { KUBECONFIG: provided.kubeconfig } : {}),
    MATTEROPS_TERMINATION_LOG: provided.terminationLog,
  };
}

/** A kubeconfig for one service-account token, in the pod's namespace (as in-cluster config is). */
export function tokenKubeconfig(cluster: { server: string; caData?: string; caFile?: string }, token: string, namespace: string): string {
  const ca = cluster.caData ? { 'certificate-authority-data': cluster.caData } : cluster.caFile ? { 'certificate-authority': cluster.caFile } : {};
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sandbox', cluster: { server: cluster.server, ...ca } }],
    users: [{ name: 'runner', user: { token } }],
    contexts: [{ name: 'runner', context: { cluster: 'sandbox', user: 'runner', namespace } }],
    'current-context': 'runner',
  });
}

/** Where a runner's stdout and stderr go: `.sandbox/logs/runner-<namespace>-<pod>.log`. */
export const runnerLogName = (namespace: string, pod: string): string => `runner-${namespace}-${pod}.log`;

/**
 * What a node says of an image it cannot pull: kwok's nodes pull nothing, so an image under a
 * `.invalid` registry stands for one no node can pull (a tag nobody pushed, a registry behind a
 * firewall). kubelet says ErrImagePull on the first try and ImagePullBackOff after, for ever.
 */
export function pullFailure(image: string, attempt: number): { reason: string; message: string } | undefined {
  const host = image.includes('/') ? (image.split('/')[0] ?? '') : '';
  if (!host.endsWith('.invalid')) return undefined;
  return attempt === 0
    ? { reason: 'ErrImagePull', message: `failed to pull and unpack image "${image}": dial tcp: lookup ${host}: no such host` }
    : { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
}

/** `chat/backup-x-abc12`, for the harness's log. */
export const podRef = (pod: V1Pod): string => `${pod.metadata?.namespace ?? '?'}/${pod.metadata?.name ?? '?'}`;
