/**
 * One psql process kept open and fed statements on stdin, so several queries share one connection
 * and one transaction (the backup counts rows in the very snapshot pg_dump dumps). Each statement is
 * followed by an `\echo` of a random marker; the output lines before it are that statement's rows
 * (`-qAt`: unaligned, tuples only, `|` between fields). With ON_ERROR_STOP a failed statement ends
 * psql, and the waiting query rejects with its error.
 */
import { randomBytes } from 'node:crypto';
import { dbnameArgument, type LibpqConnection } from './libpq-environment.ts';
import { startPgTool, type PgProcess } from './pg-process.ts';

interface Waiting {
  marker: string;
  resolve: (lines: string[]) => void;
  reject: (error: unknown) => void;
}

export class PsqlSession {
  private output = '';
  private waiting: Waiting | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly process: PgProcess;

  private constructor(process: PgProcess) {
    this.process = process;
    process.child.stdout?.setEncoding('utf8');
    process.child.stdout?.on('data', (text: string) => this.read(text));
    process.child.stdin?.on('error', () => undefined); // psql gone: `exited` says why
    process.exited.then(
      () => this.waiting?.reject(new Error('psql ended before answering')),
      (error: unknown) => this.waiting?.reject(error),
    );
  }

  /** Connects (rejecting with a PgToolFailure when it cannot) and returns the open session. */
  static async open(connection: LibpqConnection): Promise<PsqlSession> {
    const args = ['-X', '-q', '-A', '-t', '-w', '-v', 'ON_ERROR_STOP=1', ...dbnameArgument(connection)];
    const session = new PsqlSession(startPgTool('psql', args, connection, { stdin: 'pipe', stdout: 'pipe' }));
    await session.query('SELECT 1');
    return session;
  }

  /** Runs one statement; resolves with its output lines. Statements run one after another. */
  query(sql: string): Promise<string[]> {
    const run = this.queue.then(() => this.send(sql));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ends the session (an open transaction is rolled back by the server) and waits for psql to exit. */
  async close(): Promise<void> {
    await this.queue;
    this.process.child.stdin?.end();
    await this.process.exited;
  }

  /** Ends psql at once, whatever it was doing. */
  stop(): void {
    this.process.stop();
  }

  private send(sql: string): Promise<string[]> {
    const marker = `__matterops_${randomBytes(8).toString('hex')}__`;
    return new Promise<string[]>((resolve, reject) => {
      this.waiting = { marker, resolve, reject };
      const statement = sql.trim().endsWith(';') ? sql.trim() : `${sql.trim()};`;
      this.process.child.stdin?.write(`${statement}\n\\echo ${marker}\n`);
    });
  }

  private read(text: string): void {
    this.output += text;
    const waiting = this.waiting;
    if (!waiting) return;
    const at = this.output.startsWith(`${waiting.marker}\n`) ? 0 : this.output.indexOf(`\n${waiting.marker}\n`);
    if (at < 0) return;
    const body = this.output.slice(0, at);
    this.output = this.output.slice(at + waiting.marker.length + (at === 0 ? 1 : 2));
    this.waiting = undefined;
    waiting.resolve(body ? body.split('\n') : []);
  }
}
