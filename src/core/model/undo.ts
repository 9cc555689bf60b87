/**
 * The inverse of a change, decided when the change is planned (issue 12, change-aware roots): the
 * verb and words that put back what the change replaced, typed as a user would type them. Only
 * verbs with a clean inverse have one (scale, upgrade); it rides on the `applied` audit entry, and
 * an incident that began soon after that change offers it (incidents/change-note.ts). It is never
 * applied as it is: running it goes through the whole pipeline again, as whoever asks for it.
 */
import { z } from 'zod';
import type { InstallationRef } from './installation-ref.ts';

/**
 * One word of an undo command: what the grammar reads as one token without quotes (names,
 * numbers, versions, image repositories, context names), so the command text needs no quoting.
 */
const WordSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,252}$/);

export const UndoSchema = z.strictObject({
  /** Only verbs whose inverse is the same verb with the old value. */
  verb: z.enum(['scale', 'upgrade']),
  /** The installation's name first, then the old value (`["mattermost", "2"]`). */
  positionals: z.array(WordSchema).min(2).max(2),
  /** `--image` back to the repository before (upgrade only). */
  flags: z.strictObject({ image: WordSchema.optional() }).default({}),
});
export type Undo = z.infer<typeof UndoSchema>;

/** An undo when its words are valid, else none: a change without a clean inverse offers nothing. */
export function undoOf(verb: Undo['verb'], positionals: readonly string[], flags: Undo['flags'] = {}): Undo | undefined {
  const parsed = UndoSchema.safeParse({ verb, positionals, flags });
  return parsed.success ? parsed.data : undefined;
}

/** The undo as a command line, where the change was made: `scale mattermost 2 -n chat --cluster prod`. */
export function undoCommand(undo: Undo, where: Pick<InstallationRef, 'namespace' | 'cluster'>): string | undefined {
  const place = [where.namespace, where.cluster];
  if (!place.every((w) => WordSchema.safeParse(w).success)) return undefined;
  const flags = undo.flags.image ? ['--image', undo.flags.image] : [];
  return [undo.verb, ...undo.positionals, ...flags, '-n', where.namespace, '--cluster', where.cluster].join(' ');
}
