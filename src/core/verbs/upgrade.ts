/**
 * `upgrade <name> <version> [--image repo]`: patches `spec.version` (and `spec.image`). The operator
 * first runs the `mattermost-update-check` Job (db migrate), then rolls the pods. Always danger:
 * database migrations do not roll back.
 */
import { semver } from '../model/patterns.ts';
import { z } from 'zod';
import { quoted } from '../text/excerpt.ts';
import { ChangeVerbFlagsSchema } from '../grammar/change-flags.ts';
import { InstallationNameSchema } from '../grammar/common-schemas.ts';
import type { ChangeDraft } from '../model/draft.ts';
import { defaultImageRepository, type Installation } from '../model/installation.ts';
import { undoOf, type Undo } from '../model/undo.ts';
import { resolveInstallation, targetOf } from '../resolve-installation.ts';
import { defineChange } from '../verb.ts';
import { writeThenWait } from '../change/installation-steps.ts';
import { isImageRepository } from './image-repository.ts';

const compare = (a: string, b: string): number => {
  const [x, y] = [a, b].map((v) => v.split(/[.-]/).slice(0, 3).map(Number));
  for (let i = 0; i < 3; i++) if ((x?.[i] ?? 0) !== (y?.[i] ?? 0)) return (x?.[i] ?? 0) - (y?.[i] ?? 0);
  return 0;
};

export const UpgradeSchema = ChangeVerbFlagsSchema.extend({
  verb: z.literal('upgrade'),
  name: InstallationNameSchema,
  version: z
    .string({ error: 'upgrade needs a version, like 11.1.0' })
    .regex(semver, { error: (i) => `the version must look like 11.1.0, got ${quoted(i.input)} (mutable tags like latest are refused)` }),
  image: z
    .string()
    .refine(isImageRepository, {
      error: (i) => `--image must be an image repository without a tag, like mattermost/mattermost-team-edition, got ${quoted(i.input)}`,
    })
    .optional(),
});
export type UpgradeOperation = z.infer<typeof UpgradeSchema>;

/**
 * Back to the version before, and with `--image` to the repository before (the operator's default
 * when the CR named none); none when the version before is not one `upgrade` takes, or nothing changes.
 */
function upgradeUndo(before: Installation, op: UpgradeOperation): Undo | undefined {
  const from = before.spec.version;
  const imageBefore = before.spec.image ?? defaultImageRepository;
  if (from === undefined || !semver.test(from)) return undefined;
  if (from === op.version && (!op.image || op.image === imageBefore)) return undefined;
  return undoOf('upgrade', [before.name, from], op.image ? { image: imageBefore } : {});
}

export const upgrade = defineChange<UpgradeOperation>({
  name: 'upgrade',
  summary: 'change the Mattermost version (runs the db migration job, then rolls the pods)',
  usage: 'upgrade <name> <version> [--image repository]',
  examples: ['upgrade mattermost 9.10.0', 'upgrade mattermost 10.5.2 --image mattermost/mattermost-team-edition'],
  risk: 'danger',
  positionals: [
    { name: 'name', description: 'installation', required: true, complete: 'installation' },
    { name: 'version', description: 'Mattermost version', required: true },
  ],
  flags: [{ name: 'image', kind: 'string', placeholder: 'repository', description: 'image repository (default: keep the current one)' }],
  schema: UpgradeSchema,
  async plan(ctx, op): Promise<ChangeDraft> {
    const before = await resolveInstallation(ctx, op.name);
    const from = before.spec.version ?? '?';
    const undo = upgradeUndo(before, op);
    const notes = [
      'The operator runs the mattermost-update-check Job (db migrate) before it rolls the pods; database migrations cannot be undone by a downgrade.',
    ];
    if (semver.test(from) && compare(op.version, from) < 0)
      notes.push(`This is a downgrade (${from} -> ${op.version}): Mattermost does not support running an older version on a migrated database.`);
    return {
      kind: 'change',
      target: targetOf(ctx, before),
      before,
      steps: writeThenWait(
        targetOf(ctx, before),
        { kind: 'patch', patch: { spec: { version: op.version, ...(op.image ? { image: op.image } : {}) } } },
        before,
        'stable',
      ),
      risk: 'danger',
      summary: `upgrade ${before.namespace}/${before.name}: ${from} -> ${op.version}`,
      notes,
      limits: { version: op.version },
      ...(undo ? { undo } : {}),
    };
  },
});
