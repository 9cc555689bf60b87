/**
 * The readable diff of a plan: `replicas 2 -> 5`, `image ...:9.9.0 -> ...:9.10.0`, `env +FOO -BAR`.
 * Computed from the installation before and as the server-side dry run says it would be after,
 * so the user reads what the apiserver will store, not what we meant to send.
 */
import { defaultImageRepository, type EnvVar, type Installation } from '../model/installation.ts';
import { excerpt } from '../text/excerpt.ts';
import { looksLikeCredential, looksSecret, secretMask } from '../text/redact.ts';

const imageOf = (i: Installation): string => `${i.spec.image ?? defaultImageRepository}:${i.spec.version ?? '?'}`;

/** How much of a long env value a diff or `env list` shows. */
const envValueLength = 80;

/**
 * The value of an env var as matterops shows it: masked when its name looks secret or the value
 * looks like a credential whatever the name (issue 9, item 3), and cut when long. This is the only
 * form an env value takes in a plan, an outcome, an audit Event or `env list`.
 */
export function envValueShown(e: EnvVar): string {
  if (e.fromRef) return '(from a secret or config map)';
  if (looksSecret(e.name) || looksLikeCredential(e.value)) return secretMask;
  return excerpt(e.value ?? '', envValueLength);
}

export function envShown(e: EnvVar): string {
  if (e.fromRef) return `${e.name} (from a secret or config map)`;
  return `${e.name}=${envValueShown(e)}`;
}

function envDiff(before: EnvVar[], after: EnvVar[]): string[] {
  const old = new Map(before.map((e) => [e.name, e]));
  const next = new Map(after.map((e) => [e.name, e]));
  const lines: string[] = [];
  for (const e of after) {
    const was = old.get(e.name);
    if (!was) lines.push(`env +${envShown(e)}`);
    else if (was.value !== e.value || was.fromRef !== e.fromRef) lines.push(`env ~${envShown(e)}`);
  }
  for (const e of before) if (!next.has(e.name)) lines.push(`env -${e.name}`);
  return lines;
}

function annotationDiff(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.entries(after)
    .filter(([k, v]) => before[k] !== v)
    .map(([k, v]) => `pod annotation ${k}: ${before[k] ?? '-'} -> ${v}`);
}

export function describeChange(before: Installation, after: Installation): string[] {
  const lines: string[] = [];
  if (before.spec.replicas !== after.spec.replicas) lines.push(`replicas ${before.spec.replicas ?? '-'} -> ${after.spec.replicas ?? '-'}`);
  if (imageOf(before) !== imageOf(after)) lines.push(`image ${imageOf(before)} -> ${imageOf(after)}`);
  lines.push(...envDiff(before.spec.env, after.spec.env), ...annotationDiff(before.spec.podAnnotations, after.spec.podAnnotations));
  return lines;
}

export function describeNew(after: Installation): string[] {
  return [
    `new installation ${after.namespace}/${after.name}`,
    `image ${imageOf(after)}`,
    `replicas ${after.spec.replicas ?? 'from size preset'}`,
    `ingress ${after.spec.ingressHost ?? 'disabled'}`,
    `database ${after.spec.database}`,
    `filestore ${after.spec.fileStore}`,
  ];
}
