/**
 * What went wrong in pg_dump, pg_restore or psql, in one sentence from their stderr: the first
 * error line without the tool's prefix, and a failed connection said as such (`cannot connect to the
 * database: password authentication failed for user "mmuser"`), so the operator sees what to fix.
 * The text still goes through the sanitiser before it leaves the runner.
 */

export interface PgToolError {
  message: string;
  /** The tool never reached the database (wrong host, credentials, database name). */
  connect: boolean;
}

const toolPrefix = /^(?:pg_dump|pg_restore|psql|pg_dumpall)(?::[^:\s]*:\d+)?(?::\s*(?:error|fatal|FATAL|ERROR))?:\s*/;
const severity = /^(?:ERROR|FATAL|PANIC):\s+/;
/** libpq: `connection to server at "h" (1.2.3.4), port 5432 failed: FATAL:  password authentication failed ...`. */
const failedConnection = /connection to server (?:at|on) .*? failed:\s*(?:(?:FATAL|ERROR):\s+)?(.*)$/;
const otherConnection =
  /^(?:could not translate host name|could not connect to server|server closed the connection unexpectedly|no password supplied|SSL error)/;

function clean(line: string): string {
  return line.trim().replace(toolPrefix, '').replace(severity, '').trim();
}

export function describePgToolError(tool: string, stderr: string, exitCode: number | null): PgToolError {
  const lines = stderr.split('\n').filter((l) => l.trim());
  const errorLine = lines.find((l) => /\berror:|\bERROR:|\bFATAL:/.test(l)) ?? lines[0];
  if (errorLine === undefined) return { message: `${tool} ${exitCode === null ? 'was stopped' : `exited with code ${exitCode}`}`, connect: false };
  const text = clean(errorLine);
  const failed = failedConnection.exec(text);
  if (failed) return { message: `cannot connect to the database: ${failed[1] ?? ''}`.trim(), connect: true };
  if (otherConnection.test(text)) return { message: `cannot connect to the database: ${text}`, connect: true };
  return { message: `${tool}: ${text}`, connect: false };
}
