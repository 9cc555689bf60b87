/** The built bot as a process on the sandbox: registered, serving, and stopped after the tests. */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { readEnvFile } from '../sandbox/env-file.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { freePort } from '../sandbox/ports.ts';
import { httpOk, waitFor } from '../sandbox/wait.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BotProcess {
  url: string;
  env: Record<string, string>;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * How `serve` is run: Node's flags and the entry, `src/cli.ts` by default; a bench passes
 * `dist/cli.js` (built) and the launcher's flags to measure the bot as its image runs it.
 */
export interface BotLaunch {
  nodeArgs?: string[];
  entry?: string;
}

export async function startBot(sandbox: Record<string, string>, extra: Record<string, string> = {}, launch: BotLaunch = {}): Promise<BotProcess> {
  const listen = `127.0.0.1:${await freePort()}`;
  const base = { ...process.env, ...sandbox, MATTEROPS_HTTP_LISTEN: listen, MATTEROPS_LOG_LEVEL: 'warn', ...extra };
  const envFile = join(mkdtempSync(join(tmpdir(), 'matterops-bot-')), 'bot.env');
  await promisify(execFile)(process.execPath, ['src/cli.ts', 'register', '--write-env', envFile], { cwd: repoRoot, env: base });
  const env = { ...base, ...readEnvFile(envFile) } as Record<string, string>;
  const child = spawn(process.execPath, [...(launch.nodeArgs ?? []), launch.entry ?? 'src/cli.ts', 'serve'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://${listen}`;
  try {
    await waitFor(() => httpOk(`${url}/readyz`), { what: 'the bot to be ready', timeoutMs: 60_000 });
  } catch (error) {
    // Say what the bot said, and what it reports about itself: a timeout alone explains nothing.
    const readiness = await fetch(`${url}/readyz`).then(
      (r) => r.text(),
      (e: unknown) => (e as Error).message,
    );
    child.kill('SIGTERM');
    throw new Error(`${(error as Error).message}; /readyz: ${readiness}; exit code: ${child.exitCode}; output:\n${output}`);
  }
  return {
    url,
    env,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return; // exited, or killed by a test
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
