/**
 * README and docs name only files that exist in the repository (issue 14: README linked
 * `../shared/design.md`, outside any clone): every markdown link, and every repository path they
 * mention (`deploy/rbac.yaml`, docs/backups.md), resolves from the file that says it or the root.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const docs = [
  'README.md',
  'BENCHMARKS.md',
  'test/peers/README.md',
  ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const link = /\]\(([^)#\s]+)/g;
const repoPath = /(?<![\w/.-])(?:\.\.\/)*(?:deploy|docs|src|test|bench|scripts|bin|assets)\/[\w./-]*\w/g;

function missing(file: string, text = readFileSync(join(root, file), 'utf8')): string[] {
  const links = [...text.matchAll(link)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/.test(target));
  const fromFile = links.filter((target) => {
    const path = resolve(root, dirname(file), target);
    return relative(root, path).startsWith('..') || !existsSync(path);
  });
  const paths = [...text.matchAll(repoPath)].map((m) => m[0]).filter((p) => !existsSync(join(root, p)) && !existsSync(resolve(root, dirname(file), p)));
  return [...fromFile, ...paths].map((p) => `${file}: ${p}`);
}

describe('README and docs', () => {
  it.each(docs)('%s names only files of the repository', (file) => {
    expect(missing(file)).toEqual([]);
  });

  it('catches a link out of the repository and a path that is not there', () => {
    const text = 'Design: [design](../shared/design.md); apply `deploy/rbac.yaml` and deploy/nothing.yaml.';
    expect(missing('README.md', text)).toEqual(['README.md: ../shared/design.md', 'README.md: deploy/nothing.yaml']);
  });
});
