/**
 * The access policy: roles (sets of verbs, with limits) bound to subjects (Mattermost users,
 * groups, teams, channels, terminal users) within a scope (clusters, namespaces, installations).
 * Deny by default: what no binding grants is refused.
 */
import { z } from 'zod';

const Pattern = z.string().min(1);

export const LimitsSchema = z
  .object({
    maxReplicas: z.number().int().min(0).optional(),
    /** Scaling to 0 stops the installation; allowed only where a role says so. */
    minReplicas: z.number().int().min(0).optional(),
    /** A regular expression the version must match (e.g. `^(10|11)\.`). */
    versions: z.string().optional(),
  })
  .strict();
export type Limits = z.infer<typeof LimitsSchema>;

export const SubjectSchema = z.union(
  [
    z.object({ user: Pattern }).strict(),
    z.object({ group: Pattern }).strict(),
    z.object({ team: Pattern }).strict(),
    z.object({ channel: Pattern }).strict(),
    z.object({ terminal: Pattern }).strict(),
  ],
  { error: 'a subject is one of { user: name }, { group: name }, { team: name }, { channel: name }, { terminal: name }' },
);
export type Subject = z.infer<typeof SubjectSchema>;

export const PolicySchema = z
  .object({
    roles: z.record(z.string(), z.object({ verbs: z.array(z.string()).min(1), limits: LimitsSchema.default({}) }).strict()),
    bindings: z
      .array(
        z
          .object({
            role: z.string(),
            subjects: z.array(SubjectSchema).min(1),
            scope: z
              .object({
                clusters: z.array(Pattern).default(['*']),
                namespaces: z.array(Pattern).default(['*']),
                installations: z.array(Pattern).default(['*']),
              })
              .strict()
              .default({ clusters: ['*'], namespaces: ['*'], installations: ['*'] }),
          })
          .strict(),
      )
      .default([]),
    /** Danger operations in these namespaces need a second person to approve. */
    twoPersonRule: z
      .object({ namespaces: z.array(Pattern).default([]) })
      .strict()
      .default({ namespaces: [] }),
    /** Act on the cluster as the chat user's Kubernetes identity, so RBAC has the last word. */
    impersonation: z
      .object({
        enabled: z.boolean().default(false),
        /** `{username}` is replaced by the caller's name. */
        user: z.string().default('{username}'),
        groups: z.array(z.string()).default([]),
      })
      .strict()
      .default({ enabled: false, user: '{username}', groups: [] }),
  })
  .strict()
  .superRefine((policy, ctx) => {
    for (const [i, b] of policy.bindings.entries()) {
      if (!policy.roles[b.role]) ctx.addIssue({ code: 'custom', path: ['bindings', i, 'role'], message: `role "${b.role}" is not defined in roles` });
    }
  });
export type Policy = z.infer<typeof PolicySchema>;

/** Verbs anyone may use: they show rights or act only on the caller's own pending operations. */
export const alwaysAllowed = new Set(['help', 'whoami', 'version', 'can-i', 'confirm', 'cancel']);

/** Without a policy file: terminal users may read; nothing may change; chat users get nothing. */
export const defaultPolicy: Policy = PolicySchema.parse({
  roles: { reader: { verbs: ['list', 'status', 'events', 'logs', 'audit'] } },
  bindings: [{ role: 'reader', subjects: [{ terminal: '*' }] }],
});
