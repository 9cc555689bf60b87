/**
 * memberChannelFinder against the real Mattermost (what `schedule add --channel` from chat may
 * name): a channel of the team the user and the bot are members of is found, with its id; one the
 * user or the bot is not in, and one that does not exist, are all the same undefined.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MattermostApi } from '../../src/adapters/mattermost/mattermost-api.ts';
import { memberChannelFinder } from '../../src/adapters/mattermost/member-channel.ts';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { env } from '../support/sandbox.ts';

const find = () => memberChannelFinder(new MattermostApi(env('MM_URL'), env('MM_BOT_TOKEN')), 'ops');
const bob = (): MattermostRest => new MattermostRest(env('MM_URL'), env('MM_TOKEN_BOB'));
const channelOfBob = (type: 'O' | 'P') =>
  bob().call<{ id: string; name: string }>('POST', '/channels', {
    team_id: env('MM_TEAM_ID'),
    name: `bobs-${type === 'O' ? 'open' : 'private'}-${randomBytes(3).toString('hex')}`,
    display_name: "bob's",
    type,
  });

describe("a user's own channel by name", () => {
  it('finds ~ops for alice, who is in it, by its id', async () => {
    expect(await find()(env('MM_USER_ID_ALICE'), 'ops')).toEqual({ id: env('MM_CHANNEL_OPS'), name: 'ops' });
  });

  it('gives nothing for a public channel the user is not in, and finds it for its member once the bot is in it too', async () => {
    const open = await channelOfBob('O');
    // Mattermost tells the bot a channel's members only when the bot is in it (403 otherwise).
    expect(await find()(env('MM_USER_ID_BOB'), open.name)).toBeUndefined();
    await bob().call('POST', `/channels/${open.id}/members`, { user_id: env('MM_BOT_USER_ID') });
    expect(await find()(env('MM_USER_ID_ALICE'), open.name)).toBeUndefined();
    expect(await find()(env('MM_USER_ID_BOB'), open.name)).toEqual({ id: open.id, name: open.name });
  });

  it('gives nothing for a private channel the bot cannot see (even to its member), nor for one that does not exist', async () => {
    const hidden = await channelOfBob('P');
    expect(await find()(env('MM_USER_ID_BOB'), hidden.name)).toBeUndefined();
    expect(await find()(env('MM_USER_ID_ALICE'), `no-such-${randomBytes(3).toString('hex')}`)).toBeUndefined();
  });
});
