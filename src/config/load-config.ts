/** Reads the YAML file (if any) and the environment into one validated, immutable Config. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MatteropsError } from '../core/errors.ts';
import { secretMask } from '../core/text/redact.ts';
import { ConfigSchema, envBindings, secretConfigPaths, type Config } from './config-schema.ts';

type Tree = Record<string, unknown>;

function setPath(tree: Tree, path: string[], value: string): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    node[key] = typeof node[key] === 'object' && node[key] !== null ? node[key] : {};
    node = node[key] as Tree;
  }
  node[path[path.length - 1] ?? ''] = value;
}

function readFile(path: string | undefined): Tree {
  if (!path) return {};
  try {
    const parsed: unknown = parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Tree) : {};
  } catch (error) {
    throw new MatteropsError('invalid', `cannot read config file ${path}: ${(error as Error).message}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const tree = readFile(env.MATTEROPS_CONFIG || undefined);
  for (const [name, path] of Object.entries(envBindings)) {
    const value = env[name];
    // `FOO=` means unset, not empty.
    if (value !== undefined && value !== '') setPath(tree, path, value);
  }
  const result = ConfigSchema.safeParse(tree);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  - ${i.path.join('.') || 'config'}: ${i.message}`).join('\n');
    throw new MatteropsError(
      'invalid',
      `configuration has ${result.error.issues.length} problem(s):\n${problems}`,
      'fix them in the environment or in the file named by MATTEROPS_CONFIG',
    );
  }
  return Object.freeze(result.data);
}

/** The config as it may be printed: secrets masked. */
export function redactedConfig(config: Config): Tree {
  const copy = structuredClone(config) as Tree;
  for (const path of secretConfigPaths) {
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce<Tree | undefined>((n, k) => n?.[k] as Tree | undefined, copy);
    const last = keys[keys.length - 1] ?? '';
    if (parent && parent[last] !== undefined) parent[last] = secretMask;
  }
  return copy;
}
