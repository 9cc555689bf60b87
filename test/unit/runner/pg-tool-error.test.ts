/** pg tools' stderr as one sentence the operator can act on (the failed connection said as such). */
import { describe, expect, it } from 'vitest';
import { describePgToolError } from '../../../src/runner/pg-tool-error.ts';

describe('describePgToolError', () => {
  it('says a refused password as a failed connection', () => {
    const stderr = 'pg_dump: error: connection to server at "127.0.0.1", port 54999 failed: FATAL:  password authentication failed for user "mmuser"\n';
    expect(describePgToolError('pg_dump', stderr, 1)).toEqual({
      message: 'cannot connect to the database: password authentication failed for user "mmuser"',
      connect: true,
    });
  });

  it('says an unreachable server, an unknown host and a missing database as failed connections', () => {
    const refused =
      'psql: error: connection to server at "127.0.0.1", port 54998 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n';
    expect(describePgToolError('psql', refused, 2)).toEqual({ message: 'cannot connect to the database: Connection refused', connect: true });
    const host = 'psql: error: could not translate host name "nohost.invalid" to address: Name or service not known\n';
    expect(describePgToolError('psql', host, 2)).toEqual({
      message: 'cannot connect to the database: could not translate host name "nohost.invalid" to address: Name or service not known',
      connect: true,
    });
    const db = 'psql: error: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "nodb" does not exist\n';
    expect(describePgToolError('psql', db, 2).message).toBe('cannot connect to the database: database "nodb" does not exist');
  });

  it('gives the first error of a statement, without the tool prefix and context lines', () => {
    const stderr = 'psql:<stdin>:3: ERROR:  relation "nosuch" does not exist\nLINE 1: SELECT count(*) FROM nosuch;\n                             ^\n';
    expect(describePgToolError('psql', stderr, 3)).toEqual({ message: 'psql: relation "nosuch" does not exist', connect: false });
    const restore =
      'pg_restore: while PROCESSING TOC:\npg_restore: error: could not execute query: ERROR:  permission denied for schema public\nCommand was: CREATE TABLE x ();\n';
    expect(describePgToolError('pg_restore', restore, 1).message).toBe('pg_restore: could not execute query: ERROR:  permission denied for schema public');
  });

  it('says how the tool ended when it said nothing', () => {
    expect(describePgToolError('pg_dump', '', 1).message).toBe('pg_dump exited with code 1');
    expect(describePgToolError('pg_dump', '', null).message).toBe('pg_dump was stopped');
  });
});
