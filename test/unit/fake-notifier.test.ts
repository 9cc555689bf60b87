/** The fake notifier keeps the promises the Mattermost adapter keeps (test/contract/notifier.contract.ts). */
import { describe, expect, it } from 'vitest';
import { notifierContract } from '../contract/notifier.contract.ts';
import { FakeNotifier, textOf } from '../fakes/fake-notifier.ts';
import { reply, text } from '../../src/core/reply.ts';

notifierContract('fake', () => {
  const notifier = new FakeNotifier(['ops', 'incidents']);
  return {
    notifier,
    channel: 'ops',
    otherChannel: 'incidents',
    missingChannel: 'nosuch',
    read: (channel) => Promise.resolve(notifier.posts.filter((p) => p.channel === channel).map((p) => ({ id: p.id, root: p.root, text: textOf(p.reply) }))),
    files: (postId) => Promise.resolve(notifier.posts.find((p) => p.id === postId)?.files ?? []),
  };
});

describe('the fake notifier', () => {
  it('holds deliveries while cut and makes them in order once restored', async () => {
    const notifier = new FakeNotifier(['ops']);
    notifier.cut();
    const refs = ['one', 'two', 'three'].map((w) => notifier.post({ channel: 'ops' }, reply('info', text(w))));
    await new Promise((r) => setImmediate(r));
    expect(notifier.posts).toEqual([]);
    expect(notifier.depth).toBe(3);
    notifier.restore();
    await Promise.all(refs.map((r) => r.delivery));
    expect(notifier.posts.map((p) => textOf(p.reply))).toEqual(['one', 'two', 'three']);
  });
});
