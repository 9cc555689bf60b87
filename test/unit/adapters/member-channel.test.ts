/** memberChannelFinder's answers to Mattermost's refusals (the real server: test/chat/member-channel.test.ts). */
import { describe, expect, it } from 'vitest';
import { MattermostApiError } from '../../../src/adapters/mattermost/mattermost-api.ts';
import { memberChannelFinder } from '../../../src/adapters/mattermost/member-channel.ts';

const userId = 'a'.repeat(26);
const apiAnswering = (membership: () => Promise<unknown>) => ({
  channelByName: () => Promise.resolve({ id: 'c'.repeat(26), name: 'ops' }),
  call: <T>(): Promise<T> => membership() as Promise<T>,
});

describe('memberChannelFinder', () => {
  it('takes 403 and 404 as "not yours", and Mattermost not answering as an error, not as a miss', async () => {
    const notMember = memberChannelFinder(
      apiAnswering(() => Promise.reject(new MattermostApiError(404, 'no member'))),
      'ops',
    );
    expect(await notMember(userId, 'ops')).toBeUndefined();
    const down = memberChannelFinder(
      apiAnswering(() => Promise.reject(new MattermostApiError(0, 'cannot reach Mattermost'))),
      'ops',
    );
    await expect(down(userId, 'ops')).rejects.toThrow('cannot reach Mattermost');
  });

  it('finds nothing without a team, or for a user id that is no Mattermost id', async () => {
    const member = apiAnswering(() => Promise.resolve({}));
    expect(await memberChannelFinder(member, undefined)(userId, 'ops')).toBeUndefined();
    expect(await memberChannelFinder(member, 'ops')('terminal:alice', 'ops')).toBeUndefined();
    expect(await memberChannelFinder(member, 'ops')(userId, 'ops')).toEqual({ id: 'c'.repeat(26), name: 'ops' });
  });
});
