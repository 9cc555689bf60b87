/**
 * A runner pod's environment, resolved as kubelet would before starting the container: `envFrom`
 * first, then `env` in order (later wins), with `$(VAR)` references to earlier variables expanded.
 * A missing Secret, ConfigMap or key that is not optional fails the container
 * (CreateContainerConfigError), exactly as a real node refuses to start it.
 */
import type { V1Container, V1EnvFromSource, V1EnvVar, V1EnvVarSource, V1Pod } from '@kubernetes/client-node';

/** Reads a Secret's or ConfigMap's data (Secret values already decoded); undefined when it does not exist. */
export interface EnvSources {
  secret(name: string): Promise<Record<string, string> | undefined>;
  configMap(name: string): Promise<Record<string, string> | undefined>;
}

export type EnvResult = { ok: true; env: Record<string, string> } | { ok: false; message: string };

class ConfigError extends Error {}

/**
 * kubelet's expansion: `$(NAME)` becomes the value of an earlier variable, `$$` is a literal `$`,
 * and a reference to an unknown variable stays as written.
 */
export function expandVars(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (whole === '$$') return '$';
    return name !== undefined && Object.hasOwn(env, name) ? (env[name] ?? '') : whole;
  });
}

/** The pod fields kubelet's downward API serves through `fieldRef`. */
function fieldValue(pod: V1Pod, path: string): string {
  const meta = pod.metadata ?? {};
  const indexed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (indexed) return (indexed[1] === 'labels' ? meta.labels : meta.annotations)?.[indexed[2] ?? ''] ?? '';
  const fields: Record<string, string | undefined> = {
    'metadata.name': meta.name,
    'metadata.namespace': meta.namespace,
    'metadata.uid': meta.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.hostIP': '127.0.0.1',
    'status.podIP': '127.0.0.1',
  };
  if (!Object.hasOwn(fields, path)) throw new ConfigError(`unsupported fieldRef ${path}`);
  return fields[path] ?? '';
}

type KeyRef = { name?: string; key: string; optional?: boolean };

async function keyRefValue(kind: 'Secret' | 'ConfigMap', ref: KeyRef, sources: EnvSources, namespace: string): Promise<string | undefined> {
  const name = ref.name ?? '';
  const data = await (kind === 'Secret' ? sources.secret(name) : sources.configMap(name));
  const missing =
    data === undefined
      ? `${kind.toLowerCase()} "${name}" not found`
      : !Object.hasOwn(data, ref.key)
        ? `couldn't find key ${ref.key} in ${kind} ${namespace}/${name}`
        : undefined;
  if (missing === undefined) return data?.[ref.key];
  if (ref.optional) return undefined;
  throw new ConfigError(missing);
}

async function sourceValue(pod: V1Pod, from: V1EnvVarSource, sources: EnvSources): Promise<string | undefined> {
  const namespace = pod.metadata?.namespace ?? '';
  if (from.secretKeyRef) return await keyRefValue('Secret', from.secretKeyRef, sources, namespace);
  if (from.configMapKeyRef) return await keyRefValue('ConfigMap', from.configMapKeyRef, sources, namespace);
  if (from.fieldRef) return fieldValue(pod, from.fieldRef.fieldPath);
  throw new ConfigError('unsupported valueFrom (the harness resolves secretKeyRef, configMapKeyRef and fieldRef)');
}

/** One `envFrom` entry: every key of a Secret or ConfigMap, prefixed. */
async function envFromEntry(from: V1EnvFromSource, sources: EnvSources): Promise<Record<string, string>> {
  const isSecret = from.secretRef !== undefined;
  const ref = from.secretRef ?? from.configMapRef;
  const name = ref?.name ?? '';
  const data = isSecret ? await sources.secret(name) : await sources.configMap(name);
  if (data === undefined && !ref?.optional) throw new ConfigError(`${isSecret ? 'secret' : 'configmap'} "${name}" not found`);
  const prefix = from.prefix ?? '';
  return Object.fromEntries(Object.entries(data ?? {}).map(([key, value]) => [`${prefix}${key}`, value]));
}

async function envFromValues(container: V1Container, sources: EnvSources): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) Object.assign(env, await envFromEntry(from, sources));
  return env;
}

async function envVarValue(pod: V1Pod, v: V1EnvVar, env: Record<string, string>, sources: EnvSources): Promise<string | undefined> {
  if (v.valueFrom) return await sourceValue(pod, v.valueFrom, sources);
  return expandVars(v.value ?? '', env);
}

/** The container's environment, or why kubelet would refuse to start it. Values are never in the message. */
export async function resolveEnv(pod: V1Pod, container: V1Container, sources: EnvSources): Promise<EnvResult> {
  try {
    const env = await envFromValues(container, sources);
    for (const v of container.env ?? []) {
      const value = await envVarValue(pod, v, env, sources);
      if (value !== undefined) env[v.name] = value;
    }
    return { ok: true, env };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.message };
    throw error;
  }
}
