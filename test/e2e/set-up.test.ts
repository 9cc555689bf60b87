/**
 * What a new user met on the way from a clone to a bot (issue 14), each through the command a user
 * types, bin/matterops, on the real sandbox: the launcher on the machine's old Node, the one line an
 * old Node gets, piped input answered to its end, register with a token that is not a system
 * admin, register --write-env giving serve the listen address a local public URL needs, the warning
 * when they differ, and every line serve writes on stderr being JSON.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readEnvFile } from '../sandbox/env-file.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { freePort } from '../sandbox/ports.ts';
import { httpOk, waitFor } from '../sandbox/wait.ts';
import { env, sandboxEnv } from '../support/sandbox.ts';
import { slashReply } from '../support/slash-reply.ts';

const launcher = join(repoRoot, 'bin', 'matterops');
const dir = mkdtempSync(join(tmpdir(), 'matterops-set-up-'));
/** The machine's own PATH, without node_modules/.bin: its node is the old one (README: Node 20). */
const machinePath = (process.env.PATH ?? '')
  .split(':')
  .filter((p) => !p.includes('node_modules'))
  .join(':');
const machineNode = spawnSync('node', ['--version'], { encoding: 'utf8', env: { PATH: machinePath } }).stdout.trim();
const stopping: (() => Promise<void>)[] = [];

beforeAll(async () => {
  // The launcher runs dist/: build it as `make build` does.
  await promisify(execFile)(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: repoRoot });
}, 120_000);
afterEach(async () => {
  await Promise.all(stopping.splice(0).map((stop) => stop()));
});

/** bin/matterops (or `command`) on the machine's PATH, with `input` piped in. */
function matterops(args: string[], extraEnv: Record<string, string> = {}, input = '', command = launcher) {
  return spawnSync(command, args, { input, encoding: 'utf8', env: { PATH: machinePath, HOME: dir, ...extraEnv }, timeout: 90_000 });
}

/** `matterops serve` from exactly `vars`, its stderr kept apart; ready when /readyz on `listen` answers. */
async function serve(vars: Record<string, string>, listen: string): Promise<{ stderr: () => string }> {
  const child = spawn(launcher, ['serve'], { env: { PATH: machinePath, HOME: dir, ...vars }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  stopping.push(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
  await waitFor(() => httpOk(`http://${listen}/readyz`), { what: `serve ready on ${listen}; stderr: ${stderr}`, timeoutMs: 60_000 });
  return { stderr: () => stderr };
}

/** What the sandbox gives a bot beside Mattermost's side: the cluster, the policy, the signing key. */
const clusterSide = (): Record<string, string> => {
  const e = sandboxEnv();
  const keys = ['KUBECONFIG', 'MATTEROPS_KUBE_CONTEXT', 'MATTEROPS_NAMESPACE', 'MATTEROPS_POLICY', 'MATTEROPS_SIGNING_KEY', 'MATTEROPS_STATE_NAMESPACE'];
  return Object.fromEntries(keys.filter((k) => e[k] !== undefined).map((k) => [k, e[k]!]));
};

describe('the launcher', () => {
  it("runs matterops on the project's Node 24 from a PATH whose node is older, also through a link as npm makes", () => {
    expect(Number(/^v(\d+)/.exec(machineNode)?.[1]), `the machine's own node (${machineNode}) should be older than 24, as README says`).toBeLessThan(24);
    expect(matterops(['version'])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    const linked = join(dir, 'node_modules-bin-matterops');
    symlinkSync(launcher, linked);
    expect(matterops(['--version'], {}, '', linked)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it('on the old Node, the CLI itself says in one line what to run instead', () => {
    const result = matterops([join(repoRoot, 'dist', 'cli.js'), 'list'], {}, '', 'node');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^matterops needs Node 24 or newer, and this is Node 2\d\.[^\n]*run bin\/matterops[^\n]*\n$/);
  });
});

describe('the prompt', () => {
  it('answers every piped line, to the end of the input (regression: ERR_USE_AFTER_CLOSE after the first)', () => {
    const result = matterops([], { ...clusterSide() }, 'list\nwhoami\n');
    expect(result.stderr).not.toMatch(/ERR_USE_AFTER_CLOSE/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/NAMESPACE +NAME +STATE/);
    expect(result.stdout).toMatch(/acting as: +matterops/);
  });
});

describe('register and serve', () => {
  it('refuses a token that is not a system admin in one line (regression: a stack trace from a 404, exit 70)', () => {
    const result = matterops(['register', '--url', env('MM_URL'), '--admin-token', env('MM_TOKEN_ALICE')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^the admin token belongs to alice, who is not a system admin of http:\/\/127\.0\.0\.1:\d+: pass a system admin's personal access token as --admin-token \(or MM_ADMIN_TOKEN\)\n$/,
    );
  });

  it('writes everything serve needs, the listen address of a local public URL too; serve from that alone answers /k8s, every stderr line JSON', async () => {
    const listen = `127.0.0.1:${await freePort()}`;
    const envFile = join(dir, 'bot.env');
    const registered = matterops(['register', '--write-env', envFile], {
      MM_URL: env('MM_URL'),
      MM_ADMIN_TOKEN: env('MM_ADMIN_TOKEN'),
      MATTEROPS_PUBLIC_URL: `http://${listen}`,
    });
    expect(registered.status, registered.stderr).toBe(0);
    const written = readEnvFile(envFile);
    expect(Object.keys(written).sort()).toEqual(['MATTEROPS_HTTP_LISTEN', 'MATTEROPS_PUBLIC_URL', 'MM_BOT_TOKEN', 'MM_SLASH_TOKEN', 'MM_URL']);
    expect(written.MATTEROPS_HTTP_LISTEN).toBe(listen);

    const bot = await serve({ ...clusterSide(), ...written, MATTEROPS_LOG_LEVEL: 'info' }, listen);
    expect(await slashReply('MM_TOKEN_ALICE', '/k8s status mattermost', /chat\/mattermost: stable/)).toContain('replicas');
    const lines = bot.stderr().split('\n').filter(Boolean);
    expect(lines.filter((line) => !isJson(line))).toEqual([]);
    // The websocket client's own chatter is among them, as the logger's JSON.
    expect(lines.map((line) => JSON.parse(line) as { source?: string; msg: string }).filter((l) => l.source === 'console').length).toBeGreaterThan(0);
    expect(bot.stderr()).not.toContain('is on this machine at port');
    expect(readFileSync(envFile, 'utf8')).toContain("export MATTEROPS_HTTP_LISTEN='");
  });

  it('serve warns at start when a loopback public URL names another port than it listens on', async () => {
    const listen = `127.0.0.1:${await freePort()}`;
    const vars = { ...clusterSide(), MM_URL: env('MM_URL'), MM_BOT_TOKEN: env('MM_BOT_TOKEN'), MM_SLASH_TOKEN: 'unused', MATTEROPS_LOG_LEVEL: 'warn' };
    const bot = await serve({ ...vars, MATTEROPS_HTTP_LISTEN: listen, MATTEROPS_PUBLIC_URL: 'http://127.0.0.1:9' }, listen);
    const warning = bot
      .stderr()
      .split('\n')
      .filter(isJson)
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((l) => l.msg.includes('is on this machine at port 9'));
    expect(warning).toMatchObject({ level: 40, msg: expect.stringContaining(`but serve listens on ${listen}`) });
  });
});

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
