/** Schemas shared by verbs, each with a message that says what to type instead. */
import { z } from 'zod';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Installation and namespace names are DNS-1123 labels, as Kubernetes requires. */
export const NameSchema = (what: string) => z.string({ error: `${what} is missing` })
  .max(63, { error: `${what} must be at most 63 characters` })
  .regex(dns1123Label, { error: (issue) => `${what} must be lowercase letters, digits and '-' (a DNS-1123 label), got "${String(issue.input)}"` });

export const InstallationNameSchema = NameSchema('the installation name');

/** A kubeconfig context name: anything printable, no spaces. */
export const ContextSchema = z.string().regex(/^\S+$/, { error: 'a cluster is a kubeconfig context name without spaces' });

/** Global flags every verb accepts. */
export const ScopeSchema = z.object({
  cluster: ContextSchema.optional(),
  namespace: NameSchema('the namespace').optional(),
});

export const DurationTextSchema = z.string().regex(/^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/, {
  error: (issue) => `a duration looks like 30s, 10m, 1h or 1h30m, got "${String(issue.input)}"`,
}).refine((s) => s !== '', { error: 'a duration looks like 30s, 10m, 1h or 1h30m' });
