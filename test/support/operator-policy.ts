/** A policy file for a test file's bot: the sandbox's policy, and one user as operator in the file's own namespace. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from './sandbox.ts';

/** Writes it to a fresh temporary directory and returns its path (for MATTEROPS_POLICY). */
export function policyWithOperator(namespace: string, user = 'alice'): string {
  const file = join(mkdtempSync(join(tmpdir(), `matterops-policy-${namespace}-`)), 'policy.yaml');
  const sandboxPolicy = readFileSync(env('MATTEROPS_POLICY'), 'utf8').trimEnd();
  writeFileSync(file, `${sandboxPolicy}\n  - role: operator\n    subjects: [{ user: ${user} }]\n    scope: { namespaces: [${namespace}] }\n`);
  return file;
}
