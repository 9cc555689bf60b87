/** Channels named from the terminal are found in the bot's team, and kept a minute. */
import { describe, expect, it } from 'vitest';
import { channelIdFinder } from '../../../src/adapters/mattermost/channel-by-name.ts';

describe('channelIdFinder', () => {
  it('looks a named channel up in the team once a minute, and uses an id as it is', async () => {
    const asked: string[] = [];
    const api = {
      call: <T>(_method: string, path: string): Promise<T> => {
        asked.push(path);
        return Promise.resolve({ id: 'ch-ops-id' } as T);
      },
    };
    let now = 0;
    const find = channelIdFinder(api, 'ops team', () => now);
    expect(await find({ id: 'given' })).toBe('given');
    expect(await find({ name: 'ops' })).toBe('ch-ops-id');
    now = 30_000;
    await find({ name: 'ops' });
    now = 61_000;
    await find({ name: 'ops' });
    expect(asked).toEqual(['/teams/name/ops%20team/channels/name/ops', '/teams/name/ops%20team/channels/name/ops']);
  });

  it('says what to set when no team is configured', async () => {
    const find = channelIdFinder({ call: () => Promise.reject(new Error('not called')) }, undefined);
    await expect(find({ name: 'ops' })).rejects.toThrow('no team is configured to find it in: set MM_TEAM');
  });
});
