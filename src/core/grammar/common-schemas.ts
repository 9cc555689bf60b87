/** Schemas shared by verbs, each with a message that says what to type instead. */
import { dnsLabel, duration } from '../model/patterns.ts';
import { z } from 'zod';
import { excerpt, quoted } from '../text/excerpt.ts';

/** Installation and namespace names are DNS-1123 labels, as Kubernetes requires. */
export const NameSchema = (what: string) =>
  z
    .string({ error: `${what} is missing` })
    .max(63, { error: `${what} must be at most 63 characters` })
    .regex(dnsLabel, { error: (issue) => `${what} must be lowercase letters, digits and '-' (a DNS-1123 label), got ${quoted(issue.input)}` });

export const InstallationNameSchema = NameSchema('the installation name');

/** A kubeconfig context name: anything printable, no spaces. */
export const ContextSchema = z
  .string()
  .max(253, { error: 'a cluster is a kubeconfig context name of at most 253 characters' })
  .regex(/^\S+$/, { error: 'a cluster is a kubeconfig context name without spaces' });

/** Global flags every verb accepts. */
export const PlaceFlagsSchema = z.object({
  cluster: ContextSchema.optional(),
  namespace: NameSchema('the namespace').optional(),
});

/**
 * A command word (`help <topic>`, `can-i <command>`). No verb is longer than 32 characters, so a
 * longer word is refused here, before any reply would quote it.
 */
export const VerbWordSchema = (missing: string) => z.string({ error: missing }).max(32, { error: (issue) => `there is no command ${quoted(issue.input)}` });

export const DurationTextSchema = z
  .string()
  .regex(duration, {
    error: (issue) => `a duration looks like 30s, 10m, 1h or 1h30m, got ${quoted(issue.input)}`,
  })
  .refine((s) => s !== '', { error: 'a duration looks like 30s, 10m, 1h or 1h30m' });

interface Bounds {
  min: number;
  max: number;
  example: string;
}

function numberProblem(subject: string, typed: string, bounds: Bounds): string | undefined {
  if (!/^-?\d+$/.test(typed)) return `${subject} must be a whole number like ${bounds.example}, got ${quoted(typed)}`;
  // Judged on the number as typed, so 99999999999999999999 is "at most 1000", not a float's wording.
  const value = Number(typed);
  if (value < bounds.min)
    return bounds.min === 0 ? `${subject} must be 0 or more, got ${excerpt(typed)}` : `${subject} must be at least ${bounds.min}, got ${excerpt(typed)}`;
  if (value > bounds.max) return `${subject} must be at most ${bounds.max}, got ${excerpt(typed)}`;
  return undefined;
}

/**
 * A whole number within bounds, from the command line's text or a number (an operation parsed
 * again). Every message quotes what the user typed (issue 9, item 7).
 */
export const WholeNumberSchema = (subject: string, bounds: Bounds) =>
  z
    .union([z.number(), z.string()], { error: (issue) => `${subject} must be a whole number like ${bounds.example}, got ${quoted(issue.input)}` })
    .transform((raw, ctx) => {
      const problem = numberProblem(subject, String(raw), bounds);
      if (problem === undefined) return Number(raw);
      ctx.addIssue({ code: 'custom', message: problem, input: raw });
      return z.NEVER;
    });
