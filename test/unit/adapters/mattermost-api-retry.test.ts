/**
 * A GET that Mattermost refuses with 429 is waited out for its Retry-After on the api's clock
 * (issue 10, item 4): on a fake clock the retry comes when the clock is moved, with no real wait.
 * Mattermost's answers come from a stubbed fetch: the REST calls against the real server are in
 * test/chat.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MattermostApi } from '../../../src/adapters/mattermost/mattermost-api.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A Mattermost that refuses the first request with 429 and Retry-After: 5, and answers the rest. */
function limitedOnce(): { requests: () => number } {
  let requests = 0;
  vi.stubGlobal('fetch', () => {
    requests++;
    return Promise.resolve(
      requests === 1
        ? new Response(JSON.stringify({ message: 'too many requests' }), { status: 429, headers: { 'Retry-After': '5' } })
        : new Response(JSON.stringify({ id: 'bot', username: 'matterops' }), { status: 200 }),
    );
  });
  return { requests: () => requests };
}

describe('a rate-limited read', () => {
  it('is tried again once Retry-After has passed on the clock, not before', async () => {
    const server = limitedOnce();
    const clock = new FakeClock();
    const api = new MattermostApi('http://mattermost.test', 'token', { clock });
    let answer: { id: string } | undefined;
    const call = api.me().then((me) => (answer = me));
    await clock.advance(4_999);
    expect(server.requests()).toBe(1);
    await clock.advance(1);
    await call;
    expect(server.requests()).toBe(2);
    expect(answer?.id).toBe('bot');
  });
});
