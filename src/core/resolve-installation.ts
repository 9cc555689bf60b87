/**
 * Finds the installation a command names. With -n it looks only there; without, it tries the
 * default namespace, then the whole cluster, so `status mattermost-staging` works without
 * `-n staging` as long as the name is unique. Misses say which names do exist.
 */
import { MatteropsError, notFound, usageError } from './errors.ts';
import type { Installation } from './model/installation.ts';
import { suggest } from './text/did-you-mean.ts';
import type { InstallationRef } from './ports/lock-manager.ts';
import type { VerbContext } from './verb-context.ts';

function missing(name: string, where: string, existing: Installation[]): MatteropsError {
  const names = [...new Set(existing.map((i) => i.name))];
  const close = suggest(name, names);
  const hint = close.length
    ? `did you mean ${close.join(' or ')}?`
    : names.length ? `installations there: ${names.sort().join(', ')}` : 'there are none; type list -A to see every namespace';
  return notFound(`no installation "${name}" ${where}`, hint);
}

/** A found installation the caller may not act on with this verb is refused, naming the right. */
function allowed(ctx: VerbContext, installation: Installation): Installation {
  const decision = ctx.access.decide(ctx.verb, installation.namespace, installation.name);
  if (!decision.allowed) {
    throw new MatteropsError('forbidden', decision.reason, 'ask an admin to grant you a role for it in the matterops policy',
      { cluster: ctx.scope.cluster, namespace: installation.namespace, name: installation.name });
  }
  return installation;
}

export async function resolveInstallation(ctx: VerbContext, name: string): Promise<Installation> {
  return allowed(ctx, await find(ctx, name));
}

async function find(ctx: VerbContext, name: string): Promise<Installation> {
  const { gateway, scope } = ctx;
  if (scope.namespace) {
    const found = await gateway.getInstallation(scope.namespace, name);
    if (found) return found;
    throw missing(name, `in namespace ${scope.namespace} of cluster ${scope.cluster}`, await gateway.listInstallations(scope.namespace));
  }
  const preferred = await gateway.getInstallation(scope.defaultNamespace, name);
  if (preferred) return preferred;
  const all = await gateway.listInstallations();
  const matches = all.filter((i) => i.name === name);
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    const namespaces = matches.map((i) => i.namespace).sort();
    throw usageError(`"${name}" exists in namespaces ${namespaces.join(', ')}`, `say which: -n ${namespaces[0] ?? 'namespace'}`);
  }
  throw missing(name, `in cluster ${scope.cluster}`, all);
}

/** Where a change to this installation goes: the command's cluster, the installation's namespace. */
export const targetOf = (ctx: VerbContext, installation: Installation): InstallationRef =>
  ({ cluster: ctx.scope.cluster, namespace: installation.namespace, name: installation.name });
