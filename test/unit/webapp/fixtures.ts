/** The shared card fixtures (test/fixtures/cards/README.md), read once per test file. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostPost } from '../../../webapp/src/host.ts';

/** The bot's user id, the author of every fixture post; `authorProfiles` is how the web app's store knows it and two others. */
export const botUserId = 'matteropsbotuserid000000000';
export const aliceUserId = 'aliceuserid0000000000000000';
export const otherBotUserId = 'otherbotuserid0000000000000';
export const authorProfiles = {
  [botUserId]: { id: botUserId, username: 'matterops', is_bot: true },
  [aliceUserId]: { id: aliceUserId, username: 'alice', is_bot: false },
  [otherBotUserId]: { id: otherBotUserId, username: 'otherbot', is_bot: true },
};

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
    post: { id: `post-${f.replace(/\.json$/, '')}`, user_id: botUserId, ...JSON.parse(readFileSync(join(fixturesDir, f), 'utf8')) },
  }));

export const valid = fixtures.filter((f) => !f.name.startsWith('malformed-'));
export const malformed = fixtures.filter((f) => f.name.startsWith('malformed-'));

export function fixture(name: string): Fixture['post'] {
  const found = fixtures.find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return structuredClone(found.post);
}
