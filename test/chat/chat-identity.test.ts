/**
 * ChatIdentity against the real Mattermost: the names a mention's ids stand for, as the policy
 * binds them; none for a DM or for a channel the bot may not read; and, since Mattermost 9.9 tells
 * group memberships only with a license, no groups and one warning, not an error per command.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MattermostApi } from '../../src/adapters/mattermost/mattermost-api.ts';
import { createChatIdentity } from '../../src/adapters/mattermost/chat-identity.ts';
import type { Logger } from '../../src/core/ports/logger.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { env } from '../support/sandbox.ts';

const bot = (): MattermostApi => new MattermostApi(env('MM_URL'), env('MM_BOT_TOKEN'));
const alice = (): MattermostRest => new MattermostRest(env('MM_URL'), env('MM_TOKEN_ALICE'));

describe('who a Mattermost request comes from', () => {
  it('names the user, team and channel of a mention in ~ops', async () => {
    const identity = createChatIdentity(bot(), { groups: false, logger: silentLogger });
    expect(await identity.callerFor(env('MM_USER_ID_ALICE'), env('MM_CHANNEL_OPS'))).toEqual({
      id: env('MM_USER_ID_ALICE'),
      name: '@alice',
      via: 'mattermost',
      team: 'ops',
      channel: 'ops',
    });
  });

  it('gives a DM no team and no channel, and trusts the channel over names a slash request carries', async () => {
    const identity = createChatIdentity(bot(), { groups: false, logger: silentLogger });
    const dm = await alice().call<{ id: string }>('POST', '/channels/direct', [env('MM_USER_ID_ALICE'), env('MM_BOT_USER_ID')]);
    expect(await identity.callerFor(env('MM_USER_ID_ALICE'), dm.id)).toEqual({ id: env('MM_USER_ID_ALICE'), name: '@alice', via: 'mattermost' });
    // A readable channel is named by Mattermost, whatever the request says.
    expect(await identity.callerFor(env('MM_USER_ID_BOB'), env('MM_CHANNEL_OPS'), { username: 'bob', team: 'other', channel: 'town-square' })).toEqual({
      id: env('MM_USER_ID_BOB'),
      name: '@bob',
      via: 'mattermost',
      team: 'ops',
      channel: 'ops',
    });
  });

  it("uses a slash request's names only where the bot may not read the channel, and never for a private chat", async () => {
    const secret = await alice().call<{ id: string; name: string }>('POST', '/channels', {
      team_id: env('MM_TEAM_ID'),
      name: `hidden-${randomBytes(3).toString('hex')}`,
      display_name: 'hidden',
      type: 'P',
    });
    const identity = createChatIdentity(bot(), { groups: false, logger: silentLogger });
    expect(await identity.callerFor(env('MM_USER_ID_ALICE'), secret.id, { username: 'alice', team: 'ops', channel: secret.name })).toEqual({
      id: env('MM_USER_ID_ALICE'),
      name: '@alice',
      via: 'mattermost',
      team: 'ops',
      channel: secret.name,
    });
    // A DM between two other people: the bot cannot read it, and its name is no channel name.
    const dm = await alice().call<{ id: string; name: string }>('POST', '/channels/direct', [env('MM_USER_ID_ALICE'), env('MM_USER_ID_BOB')]);
    expect(dm.name).toContain('__');
    expect(await identity.callerFor(env('MM_USER_ID_ALICE'), dm.id, { username: 'alice', team: 'ops', channel: dm.name })).toEqual({
      id: env('MM_USER_ID_ALICE'),
      name: '@alice',
      via: 'mattermost',
    });
  });

  it('finds no groups on an unlicensed server and says so once', async () => {
    const warnings: string[] = [];
    const logger: Logger = {
      ...silentLogger,
      warn: (_fields, message) => {
        warnings.push(message);
      },
    };
    const identity = createChatIdentity(bot(), { groups: true, logger });
    const first = await identity.callerFor(env('MM_USER_ID_ALICE'), env('MM_CHANNEL_OPS'));
    const second = await identity.callerFor(env('MM_USER_ID_BOB'), env('MM_CHANNEL_OPS'));
    expect(first.groups).toEqual([]);
    expect(second.groups).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('group bindings will not match');
  });
});
