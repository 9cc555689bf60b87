/**
 * The Node the CLI runs on must satisfy package.json's `engines.node` (">=24"): an older one gets
 * far (Node 20 dies inside undici with "Cannot read properties of undefined (reading 'bind')"), so
 * the CLI checks first and says in one line what to run instead (issue 14). Only node: imports, so
 * this module loads on any Node.
 */
import { readFileSync } from 'node:fs';

/** The smallest major version `engines` (">=N", as package.json says it) allows. */
export function minimumNodeMajor(engines: string): number {
  const match = /^>=\s*(\d+)/.exec(engines.trim());
  if (!match) throw new Error(`package.json engines.node must read ">=N", got "${engines}"`);
  return Number(match[1]);
}

/** The one line to print when `version` (process.versions.node) is older than `engines`, else undefined. */
export function nodeVersionProblem(version: string, engines: string): string | undefined {
  const needed = minimumNodeMajor(engines);
  if (Number(version.split('.')[0]) >= needed) return undefined;
  return `matterops needs Node ${needed} or newer, and this is Node ${version}: run bin/matterops (it uses the Node ${needed} that npm ci installs into node_modules) or install Node ${needed}`;
}

/** package.json's engines.node (src/ and dist/ both sit one level below package.json). */
export function enginesNode(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
  return pkg.engines.node;
}
