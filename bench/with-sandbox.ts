/** Benchmarks run against the sandbox: reuse a running one, or start one and stop it afterwards. */
import { existsSync } from 'node:fs';
import { readEnvFile } from '../test/sandbox/env-file.ts';
import { envPath } from '../test/sandbox/paths.ts';
import { down, up } from '../test/sandbox/sandbox.ts';

export async function withSandbox(body: (env: Record<string, string>) => Promise<void>): Promise<void> {
  const started = !existsSync(envPath) && !(await up(() => undefined)).alreadyRunning;
  try {
    await body(readEnvFile(envPath));
  } finally {
    if (started) await down(() => undefined);
  }
}
