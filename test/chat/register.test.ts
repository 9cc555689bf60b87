/**
 * `matterops register` against the real Mattermost: the first run creates the bot, its token, its
 * memberships and the slash command; the second changes nothing; bad URL or token say so clearly.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { register } from '../../src/adapters/mattermost/register.ts';
import { createRegistry } from '../../src/core/registry.ts';
import { allVerbs } from '../../src/core/verbs/index.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { env } from '../support/sandbox.ts';

const suffix = randomBytes(3).toString('hex');
const options = () => ({
  url: env('MM_URL'),
  adminToken: env('MM_ADMIN_TOKEN'),
  team: 'ops',
  channels: ['ops', 'incidents'],
  publicUrl: 'http://127.0.0.1:9',
  iconFile: `${repoRoot}/assets/icon.svg`,
  registry: createRegistry(allVerbs),
  botName: `mops-${suffix}`,
  trigger: `k8s${suffix}`,
});

describe('matterops register', () => {
  it('sets up a bot and its command in one step, and a second run changes nothing', async () => {
    const first = await register(options());
    expect(first.changes).toEqual(
      expect.arrayContaining([
        'created the bot account',
        'added the bot to team ops',
        'added the bot to ~ops',
        'added the bot to ~incidents',
        'created a bot token',
        `created the /k8s${suffix} slash command`,
      ]),
    );
    const me = await new MattermostRest(env('MM_URL'), first.botToken).call<{ id: string; is_bot: boolean }>('GET', '/users/me');
    expect(me).toMatchObject({ id: first.botUserId, is_bot: true });
    const again = await register({ ...options(), botToken: first.botToken });
    expect(again.changes).toEqual([]);
    expect(again).toMatchObject({ botToken: first.botToken, slashToken: first.slashToken });
  });

  it('says clearly when the URL or the admin token is wrong', async () => {
    await expect(register({ ...options(), url: 'http://127.0.0.1:9' })).rejects.toThrow(/cannot use Mattermost at http:\/\/127.0.0.1:9 with that admin token/);
    await expect(register({ ...options(), adminToken: 'wrong' })).rejects.toThrow(/answered 401/);
  });
});
