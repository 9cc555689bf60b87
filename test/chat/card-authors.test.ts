/**
 * What the companion plugin's author check (webapp/src/bot-author.ts) rests on, on the real
 * Mattermost: a user may post a matterops card type with a `from_bot` prop of their own and the
 * server keeps it as sent (so no prop can tell the bot's posts), while the bot's posts carry its
 * user id, whose profile, as another user reads it, is a bot named `matterops`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostApi, type Post } from '../../src/adapters/mattermost/mattermost-api.ts';
import { botUsername } from '../../webapp/src/bot-author.ts';
import { env } from '../support/sandbox.ts';

const bot = (): MattermostApi => new MattermostApi(env('MM_URL'), env('MM_BOT_TOKEN'));
const alice = (): MattermostApi => new MattermostApi(env('MM_URL'), env('MM_TOKEN_ALICE'));
const card = { v: 1, card: { kind: 'status', tone: 'good', installation: 'chat/mattermost', state: 'stable' } };
let channel = '';

beforeAll(async () => {
  const made = await bot().call<{ id: string }>('POST', '/channels', {
    team_id: env('MM_TEAM_ID'),
    name: `card-authors-${randomBytes(3).toString('hex')}`,
    display_name: 'card authors',
    type: 'O',
  });
  channel = made.id;
  await bot().call('POST', `/channels/${channel}/members`, { user_id: env('MM_USER_ID_ALICE') });
});

afterAll(async () => {
  if (channel) await bot().call('DELETE', `/channels/${channel}`);
});

describe('who wrote a card post, as the web app can tell', () => {
  it("keeps a user's own from_bot prop on a post of a card type: the prop proves nothing", async () => {
    const made = await alice().call<Post>('POST', '/posts', {
      channel_id: channel,
      message: 'forged',
      type: 'custom_matterops_status',
      props: { from_bot: 'true', matterops: card },
    });
    const read = await alice().call<Post & { type: string; props: Record<string, unknown> }>('GET', `/posts/${made.id}`);
    expect(read.type).toBe('custom_matterops_status');
    expect(read.user_id).toBe(env('MM_USER_ID_ALICE'));
    expect(read.props).toMatchObject({ from_bot: 'true', matterops: card });
    const author = await alice().call<{ username: string; is_bot?: boolean }>('GET', `/users/${read.user_id}`);
    expect(author.is_bot ?? false).toBe(false);
  });

  it("gives the bot's posts its user id, whose profile reads as a bot named matterops", async () => {
    const made = await bot().call<Post>('POST', '/posts', {
      channel_id: channel,
      message: 'real',
      type: 'custom_matterops_status',
      props: { matterops: card },
    });
    const read = await alice().call<Post>('GET', `/posts/${made.id}`);
    expect(read.user_id).toBe(env('MM_BOT_USER_ID'));
    const author = await alice().call<{ username: string; is_bot?: boolean }>('GET', `/users/${read.user_id}`);
    expect({ username: author.username, is_bot: author.is_bot }).toEqual({ username: botUsername, is_bot: true });
  });
});
