/**
 * How pg_dump, pg_restore and psql get a connection: through PG* environment variables, never
 * argv (a command line is readable by every process on the node: `ps`, /proc/<pid>/cmdline). The
 * keywords are libpq 15's (https://www.postgresql.org/docs/15/libpq-envars.html); a DSN parameter
 * libpq does not know (`binary_parameters`, which Mattermost's Go driver reads) makes libpq refuse
 * the connection, so it is dropped, by name, and reported. So are the libpq keywords the runner
 * must not pass on: `replication` (pg_dump needs a normal connection), `fallback_application_name`
 * (the runner names itself) and `sslpassword` (the passphrase of an encrypted client key has no
 * environment variable and would have to go on argv).
 */

/** libpq keyword → its environment variable. */
const environmentOf: Record<string, string> = {
  host: 'PGHOST',
  hostaddr: 'PGHOSTADDR',
  port: 'PGPORT',
  dbname: 'PGDATABASE',
  user: 'PGUSER',
  password: 'PGPASSWORD',
  passfile: 'PGPASSFILE',
  channel_binding: 'PGCHANNELBINDING',
  service: 'PGSERVICE',
  options: 'PGOPTIONS',
  application_name: 'PGAPPNAME',
  sslmode: 'PGSSLMODE',
  requiressl: 'PGREQUIRESSL',
  sslcompression: 'PGSSLCOMPRESSION',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  sslrootcert: 'PGSSLROOTCERT',
  sslcrl: 'PGSSLCRL',
  sslcrldir: 'PGSSLCRLDIR',
  sslsni: 'PGSSLSNI',
  requirepeer: 'PGREQUIREPEER',
  ssl_min_protocol_version: 'PGSSLMINPROTOCOLVERSION',
  ssl_max_protocol_version: 'PGSSLMAXPROTOCOLVERSION',
  gssencmode: 'PGGSSENCMODE',
  krbsrvname: 'PGKRBSRVNAME',
  gsslib: 'PGGSSLIB',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  client_encoding: 'PGCLIENTENCODING',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
};

/**
 * libpq keywords with no environment variable. None of them is a secret, so they travel as a
 * conninfo string in `--dbname` (which libpq merges with the environment).
 */
const conninfoOnly = new Set(['keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout']);

export interface LibpqConnection {
  /** PG* variables for the tool's environment. */
  env: Record<string, string>;
  /** Keywords without a variable, as a conninfo string (`keepalives='1'`; may be empty); never a secret. */
  conninfo: string;
  /** Names of the DSN parameters left out (values never: they may be secrets). */
  dropped: string[];
}

/** A conninfo value, quoted as libpq reads it (`'a b'`, with `\` and `'` escaped). */
const quote = (value: string): string => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

export function libpqConnection(params: Record<string, string>, applicationName: string): LibpqConnection {
  // A server that does not answer fails the connection in 10 s unless the DSN says otherwise.
  const env: Record<string, string> = { PGCONNECT_TIMEOUT: '10' };
  const conninfo: string[] = [];
  const dropped: string[] = [];
  for (const [keyword, value] of Object.entries(params)) {
    const variable = environmentOf[keyword];
    if (variable) env[variable] = value;
    else if (conninfoOnly.has(keyword)) conninfo.push(`${keyword}=${quote(value)}`);
    else dropped.push(keyword);
  }
  dropped.sort();
  // The runner's own name, so a database administrator sees who holds a connection.
  env.PGAPPNAME = applicationName;
  return { env, conninfo: conninfo.join(' '), dropped };
}

/**
 * The `--dbname` argument a tool needs: the conninfo keywords without a variable (libpq merges them
 * with the environment), and the database name when the tool must be told one (pg_restore restores
 * into a database only when given `--dbname`; without it, it prints SQL).
 */
export function dbnameArgument(connection: LibpqConnection, database?: string): string[] {
  const parts = [connection.conninfo, database === undefined ? '' : `dbname=${quote(database)}`].filter(Boolean);
  return parts.length ? [`--dbname=${parts.join(' ')}`] : [];
}
