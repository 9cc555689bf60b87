/**
 * Deny-by-default authorisation: which bindings grant a verb to a caller on a target, with the
 * most permissive limits among them. Pure: the policy and the caller are data.
 */
import { usernameOf, type Caller } from '../model/caller.ts';
import { alwaysAllowed, type Limits, type Policy, type Subject } from './policy-schema.ts';

/** Where a right is asked for: a namespace of a cluster, or one installation in it. */
export interface Place {
  cluster: string;
  namespace: string;
  name?: string;
}

export type Decision = { allowed: true; roles: string[]; limits: Limits } | { allowed: false; reason: string };

/** `*` matches anything, `mattermost-*` a prefix; otherwise exact. */
export function matches(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

function subjectMatches(subject: Subject, caller: Caller): boolean {
  if ('terminal' in subject) return caller.via === 'terminal' && matches(subject.terminal, caller.name);
  if (caller.via !== 'mattermost') return false;
  if ('user' in subject) return matches(subject.user, usernameOf(caller));
  if ('group' in subject) return (caller.groups ?? []).some((g) => matches(subject.group, g));
  if ('team' in subject) return caller.team !== undefined && matches(subject.team, caller.team);
  return caller.channel !== undefined && matches(subject.channel, caller.channel);
}

function mergeLimits(all: Limits[]): Limits {
  const pick = (values: (number | undefined)[], fn: (...n: number[]) => number): number | undefined =>
    values.some((v) => v === undefined) ? undefined : fn(...(values as number[]));
  const versions = all.map((l) => l.versions);
  return {
    ...(pick(
      all.map((l) => l.maxReplicas),
      Math.max,
    ) !== undefined
      ? {
          maxReplicas: pick(
            all.map((l) => l.maxReplicas),
            Math.max,
          ),
        }
      : {}),
    ...(pick(
      all.map((l) => l.minReplicas),
      Math.min,
    ) !== undefined
      ? {
          minReplicas: pick(
            all.map((l) => l.minReplicas),
            Math.min,
          ),
        }
      : {}),
    ...(versions.every((v) => v !== undefined) ? { versions: versions.map((v) => `(?:${v})`).join('|') } : {}),
  };
}

const where = (t: Place): string => `${t.name ? `${t.namespace}/${t.name}` : `namespace ${t.namespace}`} on cluster ${t.cluster}`;

export function authorize(policy: Policy, caller: Caller, verb: string, target: Place): Decision {
  if (alwaysAllowed.has(verb)) return { allowed: true, roles: [], limits: {} };
  const granting = policy.bindings.filter((b) => {
    const role = policy.roles[b.role];
    const scope = b.scope;
    return (
      role !== undefined &&
      (role.verbs.includes(verb) || role.verbs.includes('*')) &&
      b.subjects.some((s) => subjectMatches(s, caller)) &&
      scope.clusters.some((p) => matches(p, target.cluster)) &&
      scope.namespaces.some((p) => matches(p, target.namespace)) &&
      (target.name === undefined || scope.installations.some((p) => matches(p, target.name ?? '')))
    );
  });
  if (!granting.length) {
    return { allowed: false, reason: `${caller.name} may not ${verb} ${where(target)}: no role in the matterops policy grants it` };
  }
  return { allowed: true, roles: [...new Set(granting.map((b) => b.role))], limits: mergeLimits(granting.map((b) => policy.roles[b.role]?.limits ?? {})) };
}

/** Verbs the caller may use somewhere: what `help` lists. */
export function verbsAnywhere(policy: Policy, caller: Caller): Set<string> {
  const verbs = new Set(alwaysAllowed);
  for (const b of policy.bindings) {
    if (!b.subjects.some((s) => subjectMatches(s, caller))) continue;
    for (const v of policy.roles[b.role]?.verbs ?? []) verbs.add(v);
  }
  return verbs;
}

/**
 * The configured clusters the caller may use: those some binding of theirs reaches, and always the
 * default one (where help, whoami and friends run for anyone). A binding's `clusters: ['*']` thus
 * means every configured context, never a kubeconfig context left out of the configuration.
 */
export function clustersFor(policy: Policy, caller: Caller, contexts: readonly string[], defaultContext: string): string[] {
  const reached = (context: string): boolean =>
    policy.bindings.some((b) => b.subjects.some((s) => subjectMatches(s, caller)) && b.scope.clusters.some((p) => matches(p, context)));
  return contexts.filter((c) => c === defaultContext || reached(c));
}

export function requiresTwoPersons(policy: Policy, namespace: string): boolean {
  return policy.twoPersonRule.namespaces.some((p) => matches(p, namespace));
}
