/**
 * The safety net of the grammar (issue 9, item 7): any schema issue without a message of its own
 * is worded here, naming the flag or word as the user typed it and quoting at most an excerpt of
 * the input. Zod's defaults ("Too big: expected int to be <=9007199254740991") never reach a user.
 */
import type { z } from 'zod';
import { excerpt, quoted } from '../text/excerpt.ts';
import type { Verb } from '../verb.ts';
import { changeFlags } from './change-flags.ts';
import { globalFlags } from './global-flags.ts';

type Issue = z.core.$ZodRawIssue;

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The word the user typed for a schema field: `--tail`, `the installation name`, `<replicas>`. */
export function subjectOf(key: PropertyKey | undefined, verb: Verb): string {
  if (typeof key !== 'string') return `the ${verb.name} command`;
  const positional = verb.positionals.find((p) => p.name === kebab(key) || p.name === key);
  if (positional) return positional.name === 'name' ? 'the installation name' : `<${positional.name}>`;
  const flag = [...verb.flags, ...globalFlags, ...changeFlags].find((f) => f.name === kebab(key));
  return flag ? `--${flag.name}` : key;
}

const kindWords: Record<string, string> = {
  string: 'a word',
  number: 'a number',
  int: 'a whole number',
  boolean: 'a flag without a value',
  array: 'a list of words',
};

function bound(issue: Issue, subject: string, word: 'most' | 'least'): string {
  const limit = String(word === 'most' ? issue.maximum : issue.minimum);
  const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' words' : '';
  return `${subject} must be at ${word} ${limit}${unit}, got ${issue.origin === 'string' || issue.origin === 'array' ? quoted(issue.input) : excerpt(issue.input)}`;
}

function values(issue: Issue): string {
  return ((issue.values as unknown[] | undefined) ?? []).map(String).join(', ');
}

/** Our message for an issue; `verb` says how to name the field. */
export function ourWording(issue: Issue, verb: Verb): string {
  const subject = subjectOf(issue.path?.[0], verb);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `${verb.name} needs ${subject}`;
      return `${subject} must be ${kindWords[String(issue.expected)] ?? 'something else'}, got ${quoted(issue.input)}`;
    case 'too_big':
      return bound(issue, subject, 'most');
    case 'too_small':
      return bound(issue, subject, 'least');
    case 'invalid_value':
      return `${subject} must be one of ${values(issue)}, got ${quoted(issue.input)}`;
    case 'unrecognized_keys':
      return `${verb.name} does not take ${((issue.keys as string[] | undefined) ?? []).map((k) => subjectOf(k, verb)).join(', ')}`;
    default:
      return `${subject} must be written as the usage shows, got ${quoted(issue.input)}`;
  }
}
