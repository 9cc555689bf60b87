/**
 * Vitest global setup for the tiers that need real peers: reuse a running sandbox, or start one and
 * stop it afterwards. A sandbox that cannot start fails the run: a missing peer is never a skip.
 */
import type { TestProject } from 'vitest/node';
import { existsSync } from 'node:fs';
import { envPath } from '../sandbox/paths.ts';
import { readEnvFile } from '../sandbox/env-file.ts';
import { down, up } from '../sandbox/sandbox.ts';

let startedHere = false;

export async function setup(project: TestProject): Promise<void> {
  if (!existsSync(envPath)) {
    const result = await up(() => undefined);
    startedHere = !result.alreadyRunning;
  }
  project.provide('sandboxEnv', readEnvFile(envPath));
}

export async function teardown(): Promise<void> {
  if (startedHere && !process.env.MATTEROPS_KEEP_SANDBOX) await down(() => undefined);
}

declare module 'vitest' {
  export interface ProvidedContext {
    sandboxEnv: Record<string, string>;
  }
}
