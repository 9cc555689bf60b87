/**
 * A PostgreSQL connection URL as Mattermost and the operator write it
 * (`postgres://user:password@host:5432/db?sslmode=disable&connect_timeout=10`), split into libpq's
 * keywords (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING). Several hosts
 * (`h1:5432,h2:5433`), bracketed IPv6 addresses and percent-encoding are read as libpq reads them.
 * Parsed by hand: WHATWG `URL` refuses the multi-host form libpq accepts.
 */

export interface PostgresUrl {
  /** libpq keyword → value, decoded: user, password, host, port, dbname and every query parameter. */
  params: Record<string, string>;
}

const urlShape = /^(postgres|postgresql):\/\/([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?$/;

export class InvalidPostgresUrl extends Error {}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new InvalidPostgresUrl('has an invalid percent-encoding');
  }
}

/** `h1:5432,[::1]:5433,h3` → hosts and ports, libpq's comma lists (an empty port means the default). */
function splitHosts(hostList: string): { host: string; port: string } {
  const hosts: string[] = [];
  const ports: string[] = [];
  for (const entry of hostList.split(',')) {
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(entry);
    if (!m) throw new InvalidPostgresUrl('has a host that is not host[:port]');
    hosts.push(decode((m[1] ?? '').replace(/^\[(.*)\]$/, '$1')));
    ports.push(m[2] ?? '');
  }
  return { host: hosts.join(','), port: ports.join(',') };
}

/** `user:password` before the `@`. */
function readUserInfo(userInfo: string, params: Record<string, string>): void {
  const colon = userInfo.indexOf(':');
  const user = decode(colon >= 0 ? userInfo.slice(0, colon) : userInfo);
  if (user) params.user = user;
  if (colon >= 0) params.password = decode(userInfo.slice(colon + 1));
}

/** `?sslmode=disable&connect_timeout=10`: each a libpq keyword (or not: see libpq-environment.ts). */
function readQuery(query: string, params: Record<string, string>): void {
  for (const pair of query.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidPostgresUrl('has a query parameter without a value');
    params[decode(pair.slice(0, eq))] = decode(pair.slice(eq + 1));
  }
}

/** Throws InvalidPostgresUrl, whose message never holds the URL (it carries the password). */
export function parsePostgresUrl(url: string): PostgresUrl {
  const m = urlShape.exec(url.trim());
  if (!m) throw new InvalidPostgresUrl('is not a postgres:// URL');
  const authority = m[2] ?? '';
  // The last `@`, as Go's net/url (Mattermost's driver) reads an unencoded `@` in a password.
  const at = authority.lastIndexOf('@');
  const params: Record<string, string> = {};
  if (at >= 0) readUserInfo(authority.slice(0, at), params);
  const { host, port } = splitHosts(authority.slice(at + 1));
  if (host.replaceAll(',', '')) params.host = host;
  if (port.replaceAll(',', '')) params.port = port;
  if (m[3]) params.dbname = decode(m[3]);
  readQuery(m[4] ?? '', params);
  return { params };
}

/**
 * The same URL with only the database name replaced, every other byte as it was (the restored
 * database's secret must connect Mattermost exactly as the old one did, its own parameters such as
 * `binary_parameters` included).
 */
export function withDatabase(url: string, database: string): string {
  const trimmed = url.trim();
  const m = urlShape.exec(trimmed);
  if (!m) throw new InvalidPostgresUrl('is not a postgres:// URL');
  const encoded = encodeURIComponent(database);
  const query = m[4];
  const pairs = query === undefined ? [] : query.split('&');
  const named = pairs.findIndex((pair) => pair.startsWith('dbname='));
  if (named >= 0) {
    pairs[named] = `dbname=${encoded}`;
    return `${m[1]}://${m[2]}${m[3] === undefined ? '' : `/${m[3]}`}?${pairs.join('&')}`;
  }
  return `${m[1]}://${m[2]}/${encoded}${query === undefined ? '' : `?${query}`}`;
}
