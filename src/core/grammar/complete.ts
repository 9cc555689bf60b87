/**
 * Tab completion from the registry: verbs first, then the verb's flags and, where a positional
 * expects one, installation names. Pure, so the terminal and tests share it.
 */
import { globalFlags } from './global-flags.ts';
import type { Registry } from '../registry.ts';
import { tokenize } from './tokenize.ts';

export interface CompletionSources {
  installations: readonly string[];
}

const startsWith = (prefix: string) => (candidate: string): boolean => candidate.startsWith(prefix);

/** Candidates for the last word of `line` (the word being typed; empty after a space). */
export function complete(line: string, registry: Registry, sources: CompletionSources): string[] {
  let words: string[];
  try {
    words = tokenize(line).map((t) => t.value);
  } catch {
    return [];
  }
  if (/\s$/.test(line) || line === '') words.push('');
  const current = words[words.length - 1] ?? '';
  if (words.length <= 1) return registry.verbs.map((v) => v.name).filter(startsWith(current));
  const verb = registry.find(words[0] ?? '');
  if (!verb) return [];
  const flags = [...verb.flags, ...globalFlags];
  if (current.startsWith('-')) return flags.map((f) => `--${f.name}`).filter(startsWith(current));
  const previous = words[words.length - 2] ?? '';
  if (previous === '-n' || previous === '--namespace' || previous === '--cluster' || previous === '--pod') return [];
  const positionals = words.slice(1, -1).filter((w) => !w.startsWith('-'));
  const spec = verb.positionals[positionals.length];
  if (spec?.complete === 'installation') return [...new Set(sources.installations)].filter(startsWith(current)).sort();
  if (spec?.complete === 'verb') return registry.verbs.map((v) => v.name).filter(startsWith(current));
  if (Array.isArray(spec?.complete)) return (spec.complete as readonly string[]).filter(startsWith(current));
  return [];
}
