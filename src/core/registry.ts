/**
 * The verb registry: one entry per verb, looked up by name or alias. It refuses duplicate names or
 * aliases when it is built, so a collision fails at start, not at a user's command.
 */
import type { Verb } from './verb.ts';

export interface Registry {
  readonly verbs: readonly Verb[];
  find(word: string): Verb | undefined;
  /** Every word that names a verb (names and aliases), for suggestions and completion. */
  readonly words: readonly string[];
}

export function createRegistry(verbs: readonly Verb[]): Registry {
  const byWord = new Map<string, Verb>();
  for (const verb of verbs) {
    for (const word of [verb.name, ...(verb.aliases ?? [])]) {
      const existing = byWord.get(word);
      if (existing) throw new Error(`verb word "${word}" is claimed by both "${existing.name}" and "${verb.name}"`);
      byWord.set(word, verb);
    }
  }
  return { verbs, find: (word) => byWord.get(word), words: [...byWord.keys()] };
}
