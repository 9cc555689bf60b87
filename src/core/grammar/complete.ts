/**
 * Tab completion from the registry: verbs first, then the verb's flags and, where a positional
 * expects one, installation names. Pure, so the terminal and tests share it.
 */
import { globalFlags } from './global-flags.ts';
import type { Registry } from '../registry.ts';
import type { Verb } from '../verb.ts';
import { tokenize } from './tokenize.ts';

export interface CompletionSources {
  installations: readonly string[];
}

const startsWith =
  (prefix: string) =>
  (candidate: string): boolean =>
    candidate.startsWith(prefix);

const valueFlags = new Set(['-n', '--namespace', '--cluster', '--pod', '--since', '--tail']);

/** Words typed so far, with an empty last word when the line ends in a space. */
function wordsOf(line: string): string[] | undefined {
  try {
    const words = tokenize(line).map((t) => t.value);
    if (/\s$/.test(line) || line === '') words.push('');
    return words;
  } catch {
    return undefined; // an open quote: nothing sensible to offer
  }
}

function completePositional(verb: Verb, words: string[], registry: Registry, sources: CompletionSources): string[] {
  const current = words[words.length - 1] ?? '';
  const positionals = words.slice(1, -1).filter((w) => !w.startsWith('-'));
  const wanted = verb.positionals[positionals.length]?.complete;
  if (wanted === 'installation') return [...new Set(sources.installations)].filter(startsWith(current)).sort();
  if (wanted === 'verb') return registry.verbs.map((v) => v.name).filter(startsWith(current));
  return (Array.isArray(wanted) ? (wanted as readonly string[]) : []).filter(startsWith(current));
}

/** Candidates for the last word of `line` (the word being typed; empty after a space). */
export function complete(line: string, registry: Registry, sources: CompletionSources): string[] {
  const words = wordsOf(line);
  if (!words) return [];
  const current = words[words.length - 1] ?? '';
  if (words.length <= 1) return registry.verbs.map((v) => v.name).filter(startsWith(current));
  const verb = registry.find(words[0] ?? '');
  if (!verb) return [];
  if (current.startsWith('-')) return [...verb.flags, ...globalFlags].map((f) => `--${f.name}`).filter(startsWith(current));
  if (valueFlags.has(words[words.length - 2] ?? '')) return [];
  return completePositional(verb, words, registry, sources);
}
