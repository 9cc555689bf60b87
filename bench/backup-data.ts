/**
 * A generated database for the backup benchmark, shaped like a Mattermost one where it matters to
 * pg_dump: a big `posts` table (the bulk of every real installation) beside `users`, `channels`
 * and `teams` (the key tables whose rows the runner counts, src/core/model/backup.ts). Messages
 * are words drawn with a skew (frequent words often, rare ones seldom) from a vocabulary of 4096
 * pseudo-words, so the dump compresses about as chat text does: neither all-identical text, which
 * zlib makes trivial, nor random bytes, which it cannot touch.
 */
import { psql, type Postgres } from '../test/sandbox/postgres.ts';

/** Most posts per INSERT: the database grows batch by batch until it reaches the size asked for. */
const batchRows = 200_000;

const schema = [
  'CREATE TABLE teams (id text PRIMARY KEY, name text NOT NULL, displayname text NOT NULL, createat bigint NOT NULL)',
  'CREATE TABLE users (id text PRIMARY KEY, username text NOT NULL, email text NOT NULL, createat bigint NOT NULL, props jsonb)',
  'CREATE TABLE channels (id text PRIMARY KEY, teamid text NOT NULL, name text NOT NULL, header text NOT NULL, createat bigint NOT NULL)',
  `CREATE TABLE posts (id text PRIMARY KEY, createat bigint NOT NULL, updateat bigint NOT NULL, deleteat bigint NOT NULL,
     userid text NOT NULL, channelid text NOT NULL, rootid text NOT NULL, type text NOT NULL, message text NOT NULL, props jsonb)`,
  // Mattermost ids are 26 characters; md5 gives 32 hex ones.
  `CREATE FUNCTION bench_id(kind text, n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT substr(md5(kind || n), 1, 26) $$`,
  // Word k of the vocabulary: 2 to 9 letters, the same word for the same k.
  `CREATE FUNCTION bench_word(k int) RETURNS text LANGUAGE sql IMMUTABLE AS
     $$ SELECT translate(substr(md5(k::text), 1, 2 + k % 8), '0123456789abcdef', 'etaoinshrdlucmwy') $$`,
  // random()^3 favours low k: a few words are everywhere, most are rare, as in real text.
  `CREATE FUNCTION bench_message(words int) RETURNS text LANGUAGE sql VOLATILE AS
     $$ SELECT string_agg(bench_word((4095 * random() ^ 3)::int), ' ') FROM generate_series(1, words) $$`,
  // Posts are made of three phrases of this pool (65536 phrases of 1 to 13 words, about 3 MB: far
  // beyond zlib's 32 KB window, so a repeat costs little as in real chat), picked by a hash of the
  // post's number: composing a message per row from single words would take ten minutes a gigabyte.
  'CREATE TABLE bench_phrases (n int PRIMARY KEY, phrase text NOT NULL)',
  'INSERT INTO bench_phrases SELECT g, bench_message(1 + (random() * 12)::int) FROM generate_series(0, 65535) g',
  `INSERT INTO teams SELECT bench_id('t', g), 'team-' || g, initcap(bench_message(2)), 1700000000000 + g FROM generate_series(1, 20) g`,
  `INSERT INTO users SELECT bench_id('u', g), 'user' || g, 'user' || g || '@example.com', 1700000000000 + g * 1000,
     jsonb_build_object('position', bench_message(2)) FROM generate_series(1, 20000) g`,
  `INSERT INTO channels SELECT bench_id('c', g), bench_id('t', 1 + g % 20), 'channel-' || g, bench_message(8), 1700000000000 + g * 1000
     FROM generate_series(1, 2000) g`,
];

/** Creates the tables and the vocabulary in `database` (which must exist and be empty), owned by `owner`. */
export function createBenchSchema(pg: Postgres, database: string, owner: string): void {
  for (const statement of schema) psql(pg, `SET ROLE "${owner}"; ${statement}`, database);
}

function insertPosts(pg: Postgres, database: string, from: number, rows: number): void {
  psql(
    pg,
    `INSERT INTO posts SELECT bench_id('p', g), 1700000000000 + g * 60, 1700000000000 + g * 60, 0,
       bench_id('u', 1 + (g * 7919) % 20000), bench_id('c', 1 + (g * 104729) % 2000),
       CASE WHEN g % 4 = 0 THEN bench_id('p', g - 1 - g % 16) ELSE '' END, '',
       a.phrase || ' ' || b.phrase || ' ' || c.phrase,
       CASE WHEN g % 10 = 0 THEN jsonb_build_object('from_webhook', 'true', 'attachments', b.phrase) ELSE '{}'::jsonb END
     FROM generate_series(${from}::bigint, ${from + rows - 1}) g
     JOIN bench_phrases a ON a.n = hashint8extended(g, 1) & 65535
     JOIN bench_phrases b ON b.n = hashint8extended(g, 2) & 65535
     JOIN bench_phrases c ON c.n = hashint8extended(g, 3) & 65535`,
    database,
  );
}

export const databaseSize = (pg: Postgres, database: string): number => Number(psql(pg, `SELECT pg_database_size('${database}')`));
export const postCount = (pg: Postgres, database: string): number => Number(psql(pg, 'SELECT count(*) FROM posts', database));

/**
 * Adds posts until the database holds at least `bytes`, then vacuums it: the hint bits and
 * visibility map a first scan would otherwise write are written here, not in the first timed dump.
 */
export function growDatabase(pg: Postgres, database: string, bytes: number, progress: (size: number) => void): number {
  let posts = postCount(pg, database);
  let size = databaseSize(pg, database);
  let bytesPerPost = 400; // a first guess, then what the last batch took
  while (size < bytes) {
    // The last batch only as big as the size still missing, so the database ends near the target.
    const rows = Math.min(batchRows, Math.max(10_000, Math.ceil((bytes - size) / bytesPerPost)));
    insertPosts(pg, database, posts + 1, rows);
    posts += rows;
    const grown = databaseSize(pg, database);
    bytesPerPost = grown > size ? (grown - size) / rows : bytesPerPost;
    size = grown;
    progress(size);
  }
  psql(pg, 'VACUUM (FREEZE, ANALYZE)', database);
  return databaseSize(pg, database);
}
