/**
 * pg_dump, pg_restore and psql as child processes: the connection in their environment (PG*
 * variables, never argv), nothing else of the runner's environment (its S3 keys and DSNs stay
 * in the runner), messages in English so they can be read, and their stderr kept to explain a
 * failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { LibpqConnection } from './libpq-environment.ts';
import { describePgToolError } from './pg-tool-error.ts';

/** The start of stderr is where the tools say what failed; the rest is kept out of memory. */
const stderrLimit = 32 * 1024;

export class PgToolFailure extends Error {
  readonly connect: boolean;
  constructor(message: string, connect: boolean) {
    super(message);
    this.connect = connect;
  }
}

export interface PgProcess {
  child: ChildProcess;
  /** Resolves when the tool exits 0; rejects with a PgToolFailure otherwise (or when it could not start). */
  exited: Promise<void>;
  /** Whether it exited on its own with a failure (not because `stop` was called). */
  readonly failedOnItsOwn: boolean;
  /** Ends it (SIGTERM); its `exited` then rejects. */
  stop(): void;
}

export function toolEnvironment(connection: LibpqConnection): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
  return { ...inherited, LC_ALL: 'C', ...connection.env };
}

export function startPgTool(
  tool: string,
  args: string[],
  connection: LibpqConnection,
  stdio: { stdin: 'pipe' | 'ignore'; stdout: 'pipe' | 'ignore' },
): PgProcess {
  const child = spawn(tool, args, { env: toolEnvironment(connection), stdio: [stdio.stdin, stdio.stdout, 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    if (stderr.length < stderrLimit) stderr += text.slice(0, stderrLimit - stderr.length);
  });
  let stopped = false;
  let failedOnItsOwn = false;
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      failedOnItsOwn = true;
      reject(new PgToolFailure(error.code === 'ENOENT' ? `${tool} is not installed (not found on PATH)` : `${tool} did not start: ${error.message}`, false));
    });
    child.once('close', (code) => {
      if (code === 0) return resolve();
      if (!stopped) failedOnItsOwn = true;
      const described = describePgToolError(tool, stderr, code);
      reject(new PgToolFailure(described.message, described.connect));
    });
  });
  exited.catch(() => undefined); // awaited by the caller when it needs the outcome
  return {
    child,
    exited,
    get failedOnItsOwn() {
      return failedOnItsOwn;
    },
    stop() {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
