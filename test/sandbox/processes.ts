/**
 * Starts peers as detached processes (they outlive `make sandbox`) with output in a log file, and
 * stops them by the pid we recorded: a sandbox never signals a process it did not start.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StartedProcess {
  name: string;
  pid: number;
  log: string;
}

export interface StartOptions {
  args: string[];
  log: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
}

export function startProcess(name: string, command: string, options: StartOptions): StartedProcess {
  const fd = openSync(options.log, 'a');
  try {
    const child = spawn(command, options.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
      uid: options.uid,
      gid: options.gid,
    });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command}); see ${options.log}`);
    child.unref();
    return { name, pid: child.pid, log: options.log };
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to the process we started, then SIGKILL if it is still there after `graceMs`. */
export async function stopProcess(pid: number, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(20);
}
