/**
 * The outbox on the fake clock (issue 10, item 4): retries while Mattermost is down without giving
 * up after a few tries, and its two bounds (the age of a message, how many wait), each logged.
 */
import { describe, expect, it } from 'vitest';
import { MattermostApiError } from '../../../src/adapters/mattermost/mattermost-api.ts';
import { ServerPacer } from '../../../src/adapters/mattermost/server-pacer.ts';
import { Outbox, type OutboxOptions } from '../../../src/adapters/mattermost/outbox.ts';
import type { Logger } from '../../../src/core/ports/logger.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';

interface Logged {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

function recorder(): { logger: Logger; logged: Logged[] } {
  const logged: Logged[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      logged.push({ level, fields, message });
    };
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, logged };
}

/** A server that is down until `upAt` (ms on the clock) and records what it got after. */
function serverDownUntil(clock: FakeClock, upAt: number) {
  const got: string[] = [];
  let attempts = 0;
  const deliver = (entry: { op: string }): Promise<string> => {
    attempts++;
    if (clock.now().getTime() < upAt) return Promise.reject(new MattermostApiError(0, 'cannot reach Mattermost: connect ECONNREFUSED'));
    got.push(entry.op);
    return Promise.resolve(`id-${entry.op}`);
  };
  return { deliver, got, attempts: () => attempts };
}

function outbox(clock: FakeClock, deliver: OutboxOptions<string>['deliver'], options: Partial<OutboxOptions<string>> = {}): Outbox<string> {
  return new Outbox<string>({ clock, logger: recorder().logger, deliver, pacer: new ServerPacer({ clock }), ...options });
}

describe('the outbox', () => {
  it('keeps retrying through a 20-minute outage and then delivers every message once, in order', async () => {
    const clock = new FakeClock();
    const server = serverDownUntil(clock, clock.now().getTime() + 20 * 60_000);
    const box = outbox(clock, server.deliver);
    const outcomes = ['a', 'b', 'c'].map((op) => box.enqueue(op, 'ops', op));
    expect(box.depth).toBe(3);
    await clock.advance(19 * 60_000);
    expect(server.attempts()).toBeGreaterThan(30); // not given up after a few tries
    expect(box.depth).toBe(3);
    await clock.advance(2 * 60_000);
    expect(await Promise.all(outcomes)).toEqual(['a', 'b', 'c'].map((op) => ({ ok: true, postId: `id-${op}` })));
    expect(server.got).toEqual(['a', 'b', 'c']);
    expect(box.depth).toBe(0);
  });

  it('drops a message still failing maxAgeMs after it was queued, logging its key and channel but not its text', async () => {
    const clock = new FakeClock();
    const { logger, logged } = recorder();
    const server = serverDownUntil(clock, clock.now().getTime() + 3 * 60 * 60_000);
    const box = outbox(clock, server.deliver, { logger, maxAgeMs: 60 * 60_000 });
    const old = box.enqueue('post-1', 'ops', 'secret words');
    await clock.advance(59 * 60_000);
    expect(box.depth).toBe(1);
    await clock.advance(2 * 60_000);
    expect(await old).toEqual({ ok: false, reason: 'cannot reach Mattermost: connect ECONNREFUSED' });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'error',
      message: 'a Mattermost message was dropped: still undelivered 60 min after it was queued',
      fields: { message: 'post-1', channel: 'ops' },
    });
    expect(JSON.stringify(logged)).not.toContain('secret words');
  });

  it('bounds each message by its own age: one queued later behind a dropped one still gets its full time', async () => {
    const clock = new FakeClock();
    const server = serverDownUntil(clock, clock.now().getTime() + 80 * 60_000);
    const box = outbox(clock, server.deliver, { maxAgeMs: 60 * 60_000 });
    const first = box.enqueue('first', 'ops', 'first');
    await clock.advance(30 * 60_000);
    const second = box.enqueue('second', 'ops', 'second');
    await clock.advance(40 * 60_000);
    expect(await first).toMatchObject({ ok: false });
    expect(box.depth).toBe(1);
    await clock.advance(15 * 60_000);
    expect(await second).toEqual({ ok: true, postId: 'id-second' });
    expect(server.got).toEqual(['second']);
  });

  it('refuses a message when maxDepth wait, and says so in the log', async () => {
    const clock = new FakeClock();
    const { logger, logged } = recorder();
    const server = serverDownUntil(clock, clock.now().getTime() + 60_000);
    const box = outbox(clock, server.deliver, { logger, maxDepth: 2 });
    const kept = [box.enqueue('k1', 'ops', 'k1'), box.enqueue('k2', 'other', 'k2')];
    expect(await box.enqueue('k3', 'ops', 'k3')).toEqual({ ok: false, reason: 'the outbox is full' });
    expect(logged).toMatchObject([{ level: 'error', fields: { message: 'k3', channel: 'ops', depth: 2 } }]);
    await clock.advance(120_000);
    expect((await Promise.all(kept)).every((d) => d.ok)).toBe(true);
    expect(server.got.sort()).toEqual(['k1', 'k2']);
  });

  it('waits out 429 Retry-After, keeps the order and counts it', async () => {
    const clock = new FakeClock();
    const sent: string[] = [];
    let failures = 1;
    const box = outbox(clock, (entry) => {
      if (entry.op === 'm1' && failures-- > 0) return Promise.reject(new MattermostApiError(429, 'slow down', 50));
      sent.push(entry.op);
      return Promise.resolve(entry.op);
    });
    const t0 = clock.now().getTime();
    const outcomes = ['m1', 'm2', 'm3'].map((m) => box.enqueue(m, 'ops', m));
    await clock.advance(49);
    expect(sent).toEqual([]);
    await clock.advance(1);
    expect((await Promise.all(outcomes)).map((o) => o.ok && o.postId)).toEqual(['m1', 'm2', 'm3']);
    expect(sent).toEqual(['m1', 'm2', 'm3']);
    expect(clock.now().getTime() - t0).toBe(50);
    expect(box.rateLimited).toBe(1);
  });

  it('gives up on a permanent error at once and logs the message key', async () => {
    const clock = new FakeClock();
    const { logger, logged } = recorder();
    const box = outbox(clock, () => Promise.reject(new MattermostApiError(403, 'no permission')), { logger });
    expect(await box.enqueue('post#7', 'ops', 'x')).toEqual({ ok: false, reason: 'no permission' });
    expect(logged.map((l) => [l.message, l.fields.message])).toEqual([['a Mattermost message could not be delivered', 'post#7']]);
  });

  it('gives up what still waits when closed, and says how much', async () => {
    const clock = new FakeClock();
    const { logger, logged } = recorder();
    const server = serverDownUntil(clock, Number.MAX_SAFE_INTEGER);
    const box = outbox(clock, server.deliver, { logger });
    const outcomes = [box.enqueue('a', 'ops', 'a'), box.enqueue('b', 'ops', 'b')];
    await clock.advance(1_000);
    box.close();
    expect(await Promise.all(outcomes)).toEqual([
      { ok: false, reason: 'the outbox is closed' },
      { ok: false, reason: 'the outbox is closed' },
    ]);
    expect(logged).toMatchObject([{ level: 'warn', fields: { undelivered: 2 } }]);
    expect(box.depth).toBe(0);
    expect(clock.pending).toBe(0);
  });
});
