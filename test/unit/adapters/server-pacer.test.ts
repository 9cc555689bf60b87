/**
 * The pacer (issue 16, item 2) on the fake clock, fed answers as Mattermost's rate limiter writes
 * them (reference/mattermost.md D: PerSec 2, MaxBurst 5 answered Limit 6, Remaining 0, Reset 3).
 */
import { describe, expect, it } from 'vitest';
import { rateLimitsOf } from '../../../src/adapters/mattermost/rate-limits.ts';
import { ServerPacer } from '../../../src/adapters/mattermost/server-pacer.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';

const never = new AbortController().signal;

/** Takes `n` turns and says when each was granted, ms from now. */
async function turns(clock: FakeClock, pacer: ServerPacer, n: number, withinMs = 60_000): Promise<number[]> {
  const t0 = clock.now().getTime();
  const at: number[] = [];
  const all = (async () => {
    for (let i = 0; i < n; i++) {
      await pacer.take(never);
      at.push(clock.now().getTime() - t0);
    }
  })();
  await clock.advanceUntil(() => at.length === n, withinMs, 10);
  await all;
  return at;
}

describe('rate limit headers', () => {
  it('reads X-RateLimit-* as the server writes them, and nothing without them', () => {
    const headers = new Headers({ 'X-Ratelimit-Limit': '6', 'X-Ratelimit-Remaining': '0', 'X-Ratelimit-Reset': '3' });
    expect(rateLimitsOf(headers)).toEqual({ limit: 6, remaining: 0, resetSeconds: 3 });
    expect(rateLimitsOf(new Headers({ 'Content-Type': 'application/json' }))).toBeUndefined();
    // Mattermost 9.9 writes each twice on an answer it lets through.
    const twice = new Headers([
      ['X-Ratelimit-Limit', '6'],
      ['X-Ratelimit-Limit', '6'],
      ['X-Ratelimit-Remaining', '5'],
      ['X-Ratelimit-Remaining', '4'],
      ['X-Ratelimit-Reset', '1'],
      ['X-Ratelimit-Reset', '1'],
    ]);
    expect(rateLimitsOf(twice)).toEqual({ limit: 6, remaining: 4, resetSeconds: 1 });
    expect(rateLimitsOf(new Headers({ 'X-RateLimit-Limit': 'lots', 'X-RateLimit-Remaining': '1', 'X-RateLimit-Reset': '1' }))).toBeUndefined();
  });
});

describe('the server pacer', () => {
  it('waits for nothing while the server sends no rate limit headers', async () => {
    const clock = new FakeClock();
    const pacer = new ServerPacer({ clock });
    pacer.answered({ sentAt: clock.now().getTime(), answeredAt: clock.now().getTime(), limits: undefined, refused: false });
    expect(await turns(clock, pacer, 100)).toEqual(Array(100).fill(0));
  });

  it('spends what Remaining allows at once, then sends at the rate Limit and Reset imply', async () => {
    const clock = new FakeClock();
    const pacer = new ServerPacer({ clock });
    // 10 per second, burst 100 (Mattermost's defaults): 40 emission intervals used, full again in 4 s.
    pacer.answered({
      sentAt: clock.now().getTime(),
      answeredAt: clock.now().getTime(),
      limits: { limit: 101, remaining: 60, resetSeconds: 4 },
      refused: false,
    });
    const at = await turns(clock, pacer, 80);
    expect(at.slice(0, 60)).toEqual(Array(60).fill(0));
    const gaps = at.slice(60).map((t, i) => t - (at[59 + i] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(99); // 10 per second, never faster
    expect(at[79]).toBeLessThanOrEqual(2_000 + 20);
    expect(pacer.serverLimit).toEqual({ size: 101, perSecond: 10 });
  });

  it('counts sends started after the request an answer is about as not yet seen by the server', async () => {
    const clock = new FakeClock();
    const pacer = new ServerPacer({ clock });
    const sentAt = clock.now().getTime();
    await clock.advance(5);
    expect(await turns(clock, pacer, 3)).toEqual([0, 0, 0]); // three more went out meanwhile
    pacer.answered({ sentAt, answeredAt: clock.now().getTime(), limits: { limit: 6, remaining: 4, resetSeconds: 1 }, refused: false });
    const at = await turns(clock, pacer, 2);
    expect(at[0]).toBe(0); // 4 - 3 = 1 left
    expect(at[1]).toBeGreaterThanOrEqual(990); // then 1 per second: 1 interval used, full within 1 s
  });

  it('ignores an answer older than the one it last learnt from', async () => {
    const clock = new FakeClock();
    const pacer = new ServerPacer({ clock });
    const t0 = clock.now().getTime();
    pacer.answered({ sentAt: t0 + 10, answeredAt: clock.now().getTime(), limits: { limit: 101, remaining: 100, resetSeconds: 1 }, refused: false });
    pacer.answered({ sentAt: t0, answeredAt: clock.now().getTime(), limits: { limit: 101, remaining: 0, resetSeconds: 11 }, refused: false });
    expect(await turns(clock, pacer, 50)).toEqual(Array(50).fill(0));
  });

  it("stops every send until a 429's Retry-After has passed, and believes that answer's rate", async () => {
    const clock = new FakeClock();
    const pacer = new ServerPacer({ clock });
    const t0 = clock.now().getTime();
    pacer.answered({ sentAt: t0, answeredAt: clock.now().getTime(), limits: { limit: 6, remaining: 1, resetSeconds: 1 }, refused: false }); // looks like 4 per second
    pacer.answered({ sentAt: t0 + 1, answeredAt: clock.now().getTime(), limits: { limit: 6, remaining: 0, resetSeconds: 3 }, refused: true });
    pacer.pause(1_000);
    const at = await turns(clock, pacer, 4);
    expect(at[0]).toBe(1_000);
    // What the pause refilled, then at most 2 per second, as the 429 said, not 4.
    for (const i of [2, 3]) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(490);
  });

  it("learns a small bucket's rate from what Remaining gains over a span, where Reset rounds it away", async () => {
    const clock = new FakeClock();
    const pacer = new ServerPacer({ clock });
    // 20 per second, burst 5: the bot's sends and the server's answers, a request every 50 ms.
    let tat = clock.now().getTime();
    let sent = 0;
    const sending = (async () => {
      for (; sent < 60; sent++) {
        await pacer.take(never);
        const sentAt = clock.now().getTime();
        tat = Math.max(tat, sentAt) + 50;
        const ttl = tat - sentAt;
        const remaining = Math.max(0, Math.floor((250 - ttl) / 50));
        pacer.answered({ sentAt, answeredAt: clock.now().getTime(), limits: { limit: 6, remaining, resetSeconds: Math.ceil(ttl / 1000) }, refused: false });
        await clock.sleep(5);
      }
    })();
    await clock.advanceUntil(() => sent === 60, 60_000, 5);
    await sending;
    // Reset says "1 s" for up to 6 used: 5 per second at best. The span finds most of the 20.
    expect(pacer.serverLimit?.perSecond).toBeGreaterThan(15);
    expect(pacer.serverLimit?.perSecond).toBeLessThanOrEqual(20);
  });

  it('forgets the bucket when answers come without headers again (rate limiting switched off)', async () => {
    const clock = new FakeClock();
    const pacer = new ServerPacer({ clock });
    pacer.answered({ sentAt: clock.now().getTime(), answeredAt: clock.now().getTime(), limits: { limit: 6, remaining: 0, resetSeconds: 3 }, refused: false });
    await clock.advance(10);
    pacer.answered({ sentAt: clock.now().getTime(), answeredAt: clock.now().getTime(), limits: undefined, refused: false });
    expect(await turns(clock, pacer, 20)).toEqual(Array(20).fill(0));
    expect(pacer.serverLimit).toBeUndefined();
  });

  it('keeps under a ceiling (MM_POSTS_PER_SECOND) whatever the server allows', async () => {
    const clock = new FakeClock();
    const pacer = new ServerPacer({ clock, ceilingPerSecond: 5 });
    const at = await turns(clock, pacer, 6);
    expect(at).toEqual([0, 200, 400, 600, 800, 1_000]);
  });

  it('gives up a wait when its signal aborts', async () => {
    const clock = new FakeClock();
    const pacer = new ServerPacer({ clock });
    pacer.pause(60_000);
    const stop = new AbortController();
    const taken = pacer.take(stop.signal);
    stop.abort(new Error('closed'));
    await expect(taken).rejects.toThrow('closed');
    expect(clock.pending).toBe(0);
  });
});
