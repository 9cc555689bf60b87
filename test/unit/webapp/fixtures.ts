/** The shared card fixtures (test/fixtures/cards/README.md), read once per test file. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostPost } from '../../../webapp/src/host.ts';

export const fixturesDir = join(import.meta.dirname, '..', '..', 'fixtures', 'cards');

export interface Fixture {
  name: string;
  post: HostPost & { message: string; type: string; props: Record<string, unknown> };
}

export const fixtures: Fixture[] = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({
    name: f.replace(/\.json$/, ''),
    post: { id: `post-${f.replace(/\.json$/, '')}`, ...JSON.parse(readFileSync(join(fixturesDir, f), 'utf8')) },
  }));

export const valid = fixtures.filter((f) => !f.name.startsWith('malformed-'));
export const malformed = fixtures.filter((f) => f.name.startsWith('malformed-'));

export function fixture(name: string): Fixture['post'] {
  const found = fixtures.find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return structuredClone(found.post);
}
