/**
 * Finds the installation a command names. With -n it looks only there; without, it tries the
 * default namespace, then the whole cluster, so `status mattermost-staging` works without
 * `-n staging` as long as the name is unique. Misses say which names do exist.
 */
import { MatteropsError, usageError } from './errors.ts';
import type { Installation } from './model/installation.ts';
import { suggest } from './text/did-you-mean.ts';
import type { InstallationRef } from './model/installation-ref.ts';
import type { VerbContext } from './verb-context.ts';

/** A miss: no installation of that name among those the caller may see with the verb. */
class MissingInstallation extends MatteropsError {}

/** Whether `error` is a miss (and not, say, a cluster without the operator's CRD). */
export const isMissingInstallation = (error: unknown): boolean => error instanceof MissingInstallation;

/** Names only what the caller may see with this verb: a miss must not reveal the rest (issue 9, item 4). */
function missing(name: string, where: string, visible: Installation[]): MatteropsError {
  const names = [...new Set(visible.map((i) => i.name))];
  const close = suggest(name, names);
  const hint = close.length
    ? `did you mean ${close.join(' or ')}?`
    : names.length
      ? `installations there: ${names.sort().join(', ')}`
      : 'there are none; type list -A to see every namespace';
  return new MissingInstallation('not_found', `no installation "${name}" ${where}`, hint);
}

function refusal(ctx: VerbContext, namespace: string, name: string, reason: string): MatteropsError {
  return new MatteropsError('forbidden', reason, 'ask an admin to grant you a role for it in the matterops policy', {
    cluster: ctx.scope.cluster,
    namespace,
    name,
  });
}

/** Whether the caller may use the verb on this installation (what it may "see" with that verb). */
const visibleTo =
  (ctx: VerbContext) =>
  (i: Installation): boolean =>
    ctx.access.decide(ctx.verb, i.namespace, i.name).allowed;

/** Whether the caller may look at the installation at all (`list` or `status` it). */
const mayRead = (ctx: VerbContext, i: Installation): boolean => ['list', 'status'].some((verb) => ctx.access.decide(verb, i.namespace, i.name).allowed);

/** A found installation the caller may not act on with this verb is refused, naming the right. */
function allowed(ctx: VerbContext, installation: Installation): Installation {
  const decision = ctx.access.decide(ctx.verb, installation.namespace, installation.name);
  if (!decision.allowed) throw refusal(ctx, installation.namespace, installation.name, decision.reason);
  return installation;
}

export async function resolveInstallation(ctx: VerbContext, name: string): Promise<Installation> {
  return allowed(ctx, await (ctx.scope.namespace ? inNamespace(ctx, ctx.scope.namespace, name) : anywhere(ctx, name)));
}

/** With -n: authorised before anything is read, so a refusal is the same whether it exists or not. */
async function inNamespace(ctx: VerbContext, namespace: string, name: string): Promise<Installation> {
  const decision = ctx.access.decide(ctx.verb, namespace, name);
  if (!decision.allowed) throw refusal(ctx, namespace, name, decision.reason);
  const found = await ctx.gateway.getInstallation(namespace, name);
  if (found) return found;
  const there = await ctx.gateway.listInstallations(namespace);
  throw missing(name, `in namespace ${namespace} of cluster ${ctx.scope.cluster}`, there.filter(visibleTo(ctx)));
}

/** Without -n: the default namespace first, then a name unique among those the caller may see. */
async function anywhere(ctx: VerbContext, name: string): Promise<Installation> {
  const { gateway, scope } = ctx;
  const visible = visibleTo(ctx);
  const preferred = await gateway.getInstallation(scope.defaultNamespace, name);
  if (preferred && visible(preferred)) return preferred;
  const all = await gateway.listInstallations();
  const matches = all.filter((i) => i.name === name);
  const seen = matches.filter(visible);
  if (seen.length === 1 && seen[0]) return seen[0];
  if (seen.length > 1) {
    const namespaces = seen.map((i) => i.namespace).sort();
    throw usageError(`"${name}" exists in namespaces ${namespaces.join(', ')}`, `say which: -n ${namespaces[0] ?? 'namespace'}`);
  }
  // Only installations the caller may not use with this verb carry the name. One they may read is
  // refused by name (`allowed`), telling them which right to ask for; one they may not even read is
  // answered as a miss, exactly like a name that does not exist.
  const readable = [preferred, ...matches].find((i) => i !== undefined && mayRead(ctx, i));
  if (readable) return readable;
  throw missing(name, `in cluster ${scope.cluster}`, all.filter(visible));
}

/** Where a change to this installation goes: the command's cluster, the installation's namespace. */
export const targetOf = (ctx: VerbContext, installation: Installation): InstallationRef => ({
  cluster: ctx.scope.cluster,
  namespace: installation.namespace,
  name: installation.name,
});
