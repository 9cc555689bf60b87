/**
 * Turns a command line into a typed operation, or a usage error that quotes the exact mistake and
 * shows the verb's usage and an example. Nothing is executed here.
 */
import type { z } from 'zod';
import { usageError, type MatteropsError } from '../errors.ts';
import type { Registry } from '../registry.ts';
import { suggest } from '../text/did-you-mean.ts';
import { excerpt, quoted } from '../text/excerpt.ts';
import type { FlagSpec, OperationBase, Verb } from '../verb.ts';
import { changeFlags } from './change-flags.ts';
import { globalFlags } from './global-flags.ts';
import { ourWording } from './issue-wording.ts';
import { tokenize, type Token } from './tokenize.ts';

export interface PlaceFlags {
  cluster?: string;
  namespace?: string;
}
export type ParsedOperation = OperationBase & PlaceFlags;

export interface ParsedCommand {
  verb: Verb;
  operation: ParsedOperation;
}

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The usage and first example of a verb, as the hint of every usage error about it. */
export const usageHint = (verb: Verb): string => `usage: ${verb.usage}${verb.examples[0] ? `\nexample: ${verb.examples[0]}` : ''}`;

interface Collected {
  positionals: string[];
  flags: Record<string, string | boolean>;
}

function findFlag(token: string, specs: FlagSpec[]): { spec: FlagSpec | undefined; inlineValue: string | undefined } {
  const [head, ...rest] = token.split('=');
  const inlineValue = rest.length ? rest.join('=') : undefined;
  const spec = head?.startsWith('--') ? specs.find((f) => f.name === head.slice(2)) : specs.find((f) => f.short !== undefined && f.short === head?.slice(1));
  return { spec, inlineValue };
}

function unknownFlag(token: string, specs: FlagSpec[], verb: Verb | undefined): MatteropsError {
  const name = token.split('=')[0] ?? token;
  const close = suggest(
    name.replace(/^-+/, ''),
    specs.map((f) => f.name),
  ).map((f) => `--${f}`);
  const hint = [close.length ? `did you mean ${close.join(' or ')}?` : '', verb ? usageHint(verb) : ''].filter(Boolean).join('\n');
  return usageError(`unknown flag ${excerpt(name)}${verb ? ` for ${verb.name}` : ''}`, hint || undefined);
}

const isFlagToken = (token: Token): boolean => !token.literal && token.value.startsWith('-') && token.value.length > 1 && !/^-\d/.test(token.value);

/** Reads one flag at tokens[i] into `out`; returns how many tokens it used. */
function readFlag(tokens: Token[], i: number, known: { specs: FlagSpec[]; verb: Verb | undefined }, out: Collected): number {
  const { specs, verb } = known;
  const token = tokens[i] as Token;
  const { spec, inlineValue } = findFlag(token.value, specs);
  if (!spec) throw unknownFlag(token.value, specs, verb);
  const hint = verb ? usageHint(verb) : undefined;
  if (spec.kind === 'boolean') {
    if (inlineValue !== undefined) throw usageError(`--${spec.name} takes no value`, hint);
    out.flags[camel(spec.name)] = true;
    return 1;
  }
  const value = inlineValue ?? tokens[i + 1]?.value;
  if (value === undefined || value === '') throw usageError(`--${spec.name} needs a value (${spec.placeholder ?? 'value'})`, hint);
  out.flags[camel(spec.name)] = value;
  return inlineValue === undefined ? 2 : 1;
}

/** Splits tokens into positional words and flag values, checking flags against the verb's specs. */
function collect(tokens: Token[], specs: FlagSpec[], verb: Verb | undefined): Collected {
  const out: Collected = { positionals: [], flags: {} };
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i] as Token;
    if (isFlagToken(token)) {
      i += readFlag(tokens, i, { specs, verb }, out);
    } else {
      out.positionals.push(token.value);
      i++;
    }
  }
  return out;
}

function findVerb(word: string | undefined, registry: Registry): Verb {
  if (word === undefined) throw usageError('no command given', 'type help to see what you can do');
  const verb = registry.find(word.toLowerCase());
  if (verb) return verb;
  const close = suggest(word.toLowerCase(), registry.words);
  throw usageError(
    `unknown command ${quoted(word)}`,
    close.length ? `did you mean ${close.join(' or ')}? (type help for the list)` : 'type help to see what you can do',
  );
}

function assignPositionals(verb: Verb, words: string[]): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  let i = 0;
  for (const spec of verb.positionals) {
    if (spec.variadic) {
      values[camel(spec.name)] = words.slice(i);
      i = words.length;
    } else if (i < words.length) {
      values[camel(spec.name)] = words[i++] as string;
    } else if (spec.required) {
      throw usageError(`${verb.name} needs ${spec.name === 'name' ? 'an installation name' : `<${spec.name}>`}`, usageHint(verb));
    }
  }
  if (i < words.length) throw usageError(`${verb.name} does not take ${quoted(words.slice(i).join(' '))}`, usageHint(verb));
  return values;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue?.message ?? 'the command is not valid';
}

/** Longer command lines are refused before anything reads them (issue 9, item 7). */
export const maxCommandLength = 4096;

/** Parses one command line (without the `/k8s` or `@matterops` prefix). */
export function parseCommand(input: string, registry: Registry): ParsedCommand {
  if (input.length > maxCommandLength) {
    throw usageError(`the command is too long (${input.length} characters; at most ${maxCommandLength})`, 'shorten it, or split it into several commands');
  }
  const tokens = tokenize(input);
  // Global flags may come before the verb: `-n chat status mattermost`.
  const isWord = (t: Token): boolean => t.literal || !t.value.startsWith('-');
  const verbIndex = tokens.findIndex((t, i) => isWord(t) && !isFlagValue(tokens, i));
  const verb = findVerb(tokens[verbIndex]?.value, registry);
  const rest = tokens.filter((_, i) => i !== verbIndex);
  const collected = collect(rest, [...verb.flags, ...globalFlags, ...(verb.kind === 'change' ? changeFlags : [])], verb);
  const candidate = { verb: verb.name, ...collected.flags, ...assignPositionals(verb, collected.positionals) };
  // Our wording for any issue whose schema brings no message of its own: never zod's defaults.
  const result = verb.schema.safeParse(candidate, { error: (issue) => ourWording(issue, verb) });
  if (!result.success) throw usageError(firstIssue(result.error), usageHint(verb));
  return { verb, operation: result.data };
}

/**
 * An operation an adapter built itself (a button's confirm or cancel), checked by its verb's
 * schema exactly as a typed command is: no command string is made up and parsed again.
 */
export function parseOperation(operation: OperationBase, registry: Registry): ParsedCommand {
  const verb = findVerb(operation.verb, registry);
  const result = verb.schema.safeParse(operation, { error: (issue) => ourWording(issue, verb) });
  if (!result.success) throw usageError(firstIssue(result.error), usageHint(verb));
  return { verb, operation: result.data };
}

/** True when token i is the value of a preceding string flag (`-n chat` before the verb). */
function isFlagValue(tokens: Token[], i: number): boolean {
  const previous = tokens[i - 1];
  if (!previous || previous.literal || previous.value.includes('=')) return false;
  return globalFlags.some((f) => f.kind === 'string' && (previous.value === `--${f.name}` || previous.value === `-${f.short}`));
}
