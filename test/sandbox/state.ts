/** What a running sandbox recorded about itself: enough to reuse it and to stop exactly it. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { statePath } from './paths.ts';
import { isAlive, type StartedProcess } from './processes.ts';
import type { Postgres } from './postgres.ts';

export interface SandboxState {
  dataDir: string;
  startedAt: string;
  readyMs?: number;
  processes: StartedProcess[];
  postgres?: Postgres;
  /** How Mattermost was started, so tests can restart it (fault tests, a low rate limit). */
  mattermost?: { dir: string; port: number; dataSource: string };
  /** SeaweedFS's ports, so down can clear the unix sockets it leaves in /tmp. */
  seaweedfsPorts?: number[];
}

export function readState(): SandboxState | undefined {
  if (!existsSync(statePath)) return undefined;
  return JSON.parse(readFileSync(statePath, 'utf8')) as SandboxState;
}

export function writeState(state: SandboxState): void {
  writeFileSync(statePath, JSON.stringify(state, null, 2));
}

/** Running means the state exists and every process it started is still alive. */
export function runningProcesses(state: SandboxState): StartedProcess[] {
  return state.processes.filter((p) => isAlive(p.pid));
}
