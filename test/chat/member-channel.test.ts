/**
 * memberChannelFinder against the real Mattermost (what `schedule add --channel` from chat may
 * name): a channel of the team the user is a member of is found, with its id; one they are not in,
 * a private one the bot cannot see, and one that does not exist are all the same undefined.
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

  it('gives nothing for a public channel the user is not in, and finds it for its member', async () => {
    const open = await channelOfBob('O');
    expect(await find()(env('MM_USER_ID_ALICE'), open.name)).toBeUndefined();
    expect(await find()(env('MM_USER_ID_BOB'), open.name)).toEqual({ id: open.id, name: open.name });
  });

  it('gives nothing for a private channel the bot cannot see (even to its member), nor for one that does not exist', async () => {
    const hidden = await channelOfBob('P');
    expect(await find()(env('MM_USER_ID_BOB'), hidden.name)).toBeUndefined();
    expect(await find()(env('MM_USER_ID_ALICE'), `no-such-${randomBytes(3).toString('hex')}`)).toBeUndefined();
  });
});
