/**
 * The outbox under load (issue 16, items 1 to 3), on the fake clock: channels take turns, so a
 * busy one cannot starve the others; sends overlap up to the bound, never two of one channel;
 * order is kept per channel; and edits of one post waiting unsent collapse into the latest.
 */
import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntry } from '../../../src/adapters/mattermost/outbox.ts';
import { ServerPacer } from '../../../src/adapters/mattermost/server-pacer.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';

/** A server that answers each send `latencyMs` after it starts and records what overlapped. */
function slowServer(clock: FakeClock, latencyMs: number) {
  const sent: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const lanesInFlight = new Set<string>();
  let sameLaneOverlap = false;
  const deliver = async (entry: OutboxEntry<string>): Promise<string> => {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    if (lanesInFlight.has(entry.lane)) sameLaneOverlap = true;
    lanesInFlight.add(entry.lane);
    sent.push(entry.op);
    await clock.sleep(latencyMs);
    lanesInFlight.delete(entry.lane);
    inFlight--;
    return `id-${entry.op}`;
  };
  return { deliver, sent, mostInFlight: () => mostInFlight, sameLaneOverlap: () => sameLaneOverlap };
}

const outboxOn = (clock: FakeClock, deliver: (e: OutboxEntry<string>) => Promise<string>, maxInFlight: number): Outbox<string> =>
  new Outbox<string>({ clock, logger: silentLogger, deliver, pacer: new ServerPacer({ clock }), maxInFlight });

describe('the outbox under load', () => {
  it('serves channels in turn: one post to a quiet channel goes out among the first, not behind a busy one', async () => {
    const clock = new FakeClock();
    const server = slowServer(clock, 10);
    const box = outboxOn(clock, server.deliver, 1);
    const busy = Array.from({ length: 50 }, (_, i) => box.enqueue(`b${i}`, 'busy', `busy ${i}`));
    const quiet = box.enqueue('q', 'quiet', 'quiet');
    await clock.advance(25);
    expect(server.sent).toEqual(['busy 0', 'quiet', 'busy 1']); // right after the busy channel's first
    expect(await quiet).toEqual({ ok: true, postId: 'id-quiet' });
    await clock.advance(1_000);
    expect((await Promise.all(busy)).every((d) => d.ok)).toBe(true);
    expect(server.sent.filter((op) => op.startsWith('busy'))).toEqual(Array.from({ length: 50 }, (_, i) => `busy ${i}`));
  });

  it('overlaps sends of different channels up to its bound, never two of one channel, and loses or repeats none', async () => {
    const clock = new FakeClock();
    const server = slowServer(clock, 25);
    const box = outboxOn(clock, server.deliver, 4);
    const ops = Array.from({ length: 10 }, (_, c) => Array.from({ length: 20 }, (_, i) => `c${c} ${i}`)).flat();
    const outcomes = ops.map((op) => box.enqueue(op, op.split(' ')[0] ?? '', op));
    await clock.advance(200 * 25);
    expect((await Promise.all(outcomes)).map((d) => d.ok && d.postId)).toEqual(ops.map((op) => `id-${op}`));
    expect(server.sent).toHaveLength(200);
    expect(new Set(server.sent).size).toBe(200);
    for (let c = 0; c < 10; c++) expect(server.sent.filter((op) => op.startsWith(`c${c} `))).toEqual(ops.filter((op) => op.startsWith(`c${c} `)));
    expect(server.mostInFlight()).toBe(4);
    expect(server.sameLaneOverlap()).toBe(false);
    expect(box.depth).toBe(0);
  });

  it('takes no longer than its bound allows: 200 sends of 25 ms four at a time in about 50 rounds', async () => {
    const clock = new FakeClock();
    const server = slowServer(clock, 25);
    const box = outboxOn(clock, server.deliver, 4);
    const outcomes = Array.from({ length: 200 }, (_, i) => box.enqueue(`m${i}`, `c${i % 10}`, `m${i}`));
    await clock.advance(51 * 25);
    expect(box.depth).toBe(0);
    expect((await Promise.all(outcomes)).every((d) => d.ok)).toBe(true);
  });
});

describe('edits coalesced', () => {
  it('sends only the latest state of a post edited faster than it can be sent, and answers every edit', async () => {
    const clock = new FakeClock();
    const server = slowServer(clock, 100);
    const box = outboxOn(clock, server.deliver, 1);
    const create = box.enqueue('create', 'ops', 'create');
    await clock.advance(1); // the create is under way: the edits wait behind it
    const edits = Array.from({ length: 30 }, (_, i) => box.enqueue(`edit ${i}`, 'ops', `progress ${i}`, 'post-1'));
    const reply = box.enqueue('reply', 'ops', 'reply');
    expect(box.depth).toBe(3);
    await clock.advance(1_000);
    expect(await create).toMatchObject({ ok: true });
    const outcomes = await Promise.all(edits);
    expect(outcomes.every((d) => d.ok)).toBe(true);
    expect(await reply).toMatchObject({ ok: true });
    expect(server.sent).toEqual(['create', 'progress 29', 'reply']);
    expect(box.coalesced).toBe(29);
  });

  it('never replaces an edit already under way, nor one of another post, nor a create', async () => {
    const clock = new FakeClock();
    const server = slowServer(clock, 100);
    const box = outboxOn(clock, server.deliver, 1);
    const first = box.enqueue('e1', 'ops', 'post-1 v1', 'post-1');
    await clock.advance(1); // v1 is being sent
    const rest = [
      box.enqueue('e2', 'ops', 'post-1 v2', 'post-1'),
      box.enqueue('e3', 'ops', 'post-2 v1', 'post-2'),
      box.enqueue('c1', 'ops', 'a create'),
      box.enqueue('c2', 'ops', 'a create'),
      box.enqueue('e4', 'ops', 'post-1 v3', 'post-1'),
    ];
    await clock.advance(2_000);
    expect((await Promise.all([first, ...rest])).every((d) => d.ok)).toBe(true);
    expect(server.sent).toEqual(['post-1 v1', 'post-1 v3', 'post-2 v1', 'a create', 'a create']);
  });
});
