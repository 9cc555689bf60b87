/** Flags every change verb takes, and the schema fields they become. */
import { z } from 'zod';
import type { FlagSpec } from '../verb.ts';
import { PlaceFlagsSchema } from './common-schemas.ts';

export const changeFlags: FlagSpec[] = [
  { name: 'dry-run', kind: 'boolean', description: 'show the plan (server-side dry run) and change nothing' },
  { name: 'yes', short: 'y', kind: 'boolean', description: 'apply a change without asking (non-interactive use)' },
  { name: 'confirm', kind: 'string', placeholder: 'name', description: 'apply a danger operation without asking: type the installation name' },
];

/** The change flags as operation fields (`--dry-run` becomes `dryRun`). */
export const ChangeFlagsSchema = z.object({
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
  confirm: z.string().optional(),
});
export type ChangeFlags = z.infer<typeof ChangeFlagsSchema>;

export const ChangeVerbFlagsSchema = PlaceFlagsSchema.extend(ChangeFlagsSchema.shape);
