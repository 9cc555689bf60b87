/** `matterops help`, `--help` and `-h` print the subcommands (issue 14: `unknown command "help"`, `Unknown option '--help'`). */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = resolve(import.meta.dirname, '..', '..', '..', 'src', 'cli.ts');
const matterops = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 90_000 });

describe('matterops help', () => {
  // Each case starts the CLI: seconds, and over 30 s seen while other suites ran on the 2 cores.
  it.each(['help', '--help', '-h', 'register --help'])('matterops %s prints the subcommands and exits 0', { timeout: 120_000 }, (line) => {
    const result = matterops(...line.split(' '));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const sub of ['run "<command>"', 'register', 'serve', 'config check', 'resume', 'backup|restore|drill|prune run', 'version'])
      expect(result.stdout).toContain(`matterops ${sub}`);
  });

  it('prints the version as a subcommand too, as the image is run (matterops version)', { timeout: 120_000 }, () => {
    const result = matterops('version');
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(result.status).toBe(0);
  });
});
