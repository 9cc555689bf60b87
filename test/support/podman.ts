/**
 * podman as scripts/podman.sh sets it up (runc, cgroupfs, rlimits, storage in the peers' cache),
 * for tests that run the matterops image. Secrets go as `-e NAME` (podman takes the value from its
 * own environment), never on podman's command line.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot } from '../sandbox/paths.ts';

/** The image CI builds (scripts/image.sh). */
export const testImage = process.env.MATTEROPS_TEST_IMAGE || 'matterops:test';

/** `podman_` (any podman command) or `podman_run` (`run` on the host's network, with the rlimits) of scripts/podman.sh. */
type Entry = 'podman_' | 'podman_run';
const wrapper = (entry: Entry): string[] => ['-c', '. scripts/podman.sh; "$@"', 'podman', entry];

/** `podman <args>` with `env` added to its environment; resolves with its output, rejects on a non-zero exit. */
export async function podman(entry: Entry, args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return await promisify(execFile)('bash', [...wrapper(entry), ...args], { cwd: repoRoot, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
}

/** `podman run <args>` left running (a container in the foreground), its output kept. */
export function podmanProcess(args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  const child = spawn('bash', [...wrapper('podman_run'), ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

/** `-e NAME` for each variable: the values stay in podman's environment. */
export const passEnv = (vars: Record<string, string>): string[] => Object.keys(vars).flatMap((name) => ['-e', name]);
