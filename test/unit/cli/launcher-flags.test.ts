/**
 * bin/matterops runs the built CLI with a 1 MiB semi-space (BENCHMARKS.md (c): an idle `serve` keeps
 * about 30 MiB fewer pages resident), unless NODE_OPTIONS names a semi-space size of its own. The
 * launcher is copied beside a dist/cli.js that prints the flags Node was started with.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const root = mkdtempSync(join(tmpdir(), 'launcher-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'bin'));
mkdirSync(join(root, 'dist'));
copyFileSync(join(repoRoot, 'bin', 'matterops'), join(root, 'bin', 'matterops'));
writeFileSync(join(root, 'dist', 'cli.js'), 'console.log(JSON.stringify({ flags: process.execArgv, args: process.argv.slice(2) }));\n');

/** The launcher as npm links it, with this test's Node first on PATH (the copy has no node_modules/node). */
const launch = (env: Record<string, string> = {}): unknown =>
  JSON.parse(
    execFileSync('sh', [join(root, 'bin', 'matterops'), 'serve'], {
      env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, ...env },
      encoding: 'utf8',
    }),
  );

describe('bin/matterops', () => {
  it('starts Node with a 1 MiB semi-space', () => {
    expect(launch()).toEqual({ flags: ['--max-semi-space-size=1'], args: ['serve'] });
  });

  it('leaves the semi-space to NODE_OPTIONS when it names one', () => {
    expect(launch({ NODE_OPTIONS: '--max-semi-space-size=8' })).toEqual({ flags: [], args: ['serve'] });
  });
});
