/** Reads and validates the policy file, reporting every problem at once; no file means the default. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MatteropsError } from '../core/errors.ts';
import { defaultPolicy, PolicySchema, type Policy } from '../core/policy/policy-schema.ts';

export function loadPolicy(file: string | undefined): Policy {
  if (!file) return defaultPolicy;
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MatteropsError('invalid', `cannot read policy file ${file}: ${(error as Error).message}`);
  }
  const result = PolicySchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  - ${i.path.join('.') || 'policy'}: ${i.message}`).join('\n');
    throw new MatteropsError('invalid', `policy file ${file} has ${result.error.issues.length} problem(s):\n${problems}`, 'see docs/policy.md for the format');
  }
  return result.data;
}
