/**
 * What every Notifier promises (issue 10, item 4), run against the Mattermost adapter on the real
 * server (test/chat/notifier.test.ts) and the fake (test/unit/fake-notifier.test.ts): a ref usable
 * at once, as a thread and for edits, before its post exists; order kept within a thread and a
 * channel; a burst to several channels delivered whole, once each; a post the server refuses
 * reported, never thrown.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { existingPost, type Notifier } from '../../src/core/ports/notifier.ts';
import { reply, text, type Reply } from '../../src/core/reply.ts';

/** A post as read back from where the notifier delivered it, oldest first. */
export interface SeenPost {
  id: string;
  root: string;
  text: string;
}

export interface NotifierSubject {
  notifier: Notifier;
  /** A channel the notifier may post to. */
  channel: string;
  /** Another one, for what holds across channels. */
  otherChannel: string;
  /** A channel id that does not exist: posts to it are refused. */
  missingChannel: string;
  /** Every post in `channel`, oldest first. */
  read(channel: string): Promise<SeenPost[]>;
  /** The files a post carries, by the ids its delivery named: their names and contents as a reader downloads them. */
  files(postId: string): Promise<{ id: string; name: string; content: string }[]>;
}

const says = (words: string): Reply => reply('info', text(words));
/** Words no other test (or earlier run) uses, so reading the channel back finds only this test's posts. */
const tagged = (): ((what: string) => string) => {
  const tag = randomBytes(4).toString('hex');
  return (what) => `${what} ${tag}`;
};

export function notifierContract(name: string, make: () => NotifierSubject): void {
  describe(`Notifier contract: ${name}`, () => {
    const mine = async (s: NotifierSubject, words: (w: string) => string): Promise<SeenPost[]> =>
      (await s.read(s.channel)).filter((p) => p.text.endsWith(words('')));

    it('posts a reply, and its delivery says the post id', async () => {
      const s = make();
      const words = tagged();
      const ref = s.notifier.post({ channel: s.channel }, says(words('hello')));
      expect(ref.channel).toBe(s.channel);
      const delivery = await ref.delivery;
      expect(delivery.ok).toBe(true);
      expect(await mine(s, words)).toEqual([{ id: delivery.ok ? delivery.postId : '', root: '', text: words('hello') }]);
    });

    it("replies in the thread of a post queued a moment ago, and under a reply in its root's thread", async () => {
      const s = make();
      const words = tagged();
      const root = s.notifier.post({ channel: s.channel }, says(words('root')));
      const first = s.notifier.post({ channel: s.channel, thread: root }, says(words('first reply')));
      const second = s.notifier.post({ channel: s.channel, thread: first }, says(words('second reply')));
      const outcomes = await Promise.all([root.delivery, first.delivery, second.delivery]);
      expect(outcomes.every((o) => o.ok)).toBe(true);
      const [rootPost, ...replies] = await mine(s, words);
      expect(rootPost?.root).toBe('');
      expect(replies.map((p) => [p.text, p.root])).toEqual([
        [words('first reply'), rootPost?.id],
        [words('second reply'), rootPost?.id],
      ]);
    });

    it('replies in the thread of a post already on the server', async () => {
      const s = make();
      const words = tagged();
      const delivery = await s.notifier.post({ channel: s.channel }, says(words('made earlier'))).delivery;
      const rootId = delivery.ok ? delivery.postId : '';
      expect((await s.notifier.post({ channel: s.channel, thread: existingPost(s.channel, rootId) }, says(words('under it'))).delivery).ok).toBe(true);
      expect((await mine(s, words)).map((p) => [p.text, p.root])).toEqual([
        [words('made earlier'), ''],
        [words('under it'), rootId],
      ]);
    });

    it('edits a delivered post in place', async () => {
      const s = make();
      const words = tagged();
      const ref = s.notifier.post({ channel: s.channel }, says(words('before')));
      await ref.delivery;
      const edited = await s.notifier.edit(ref, says(words('after')));
      expect(edited).toEqual(await ref.delivery);
      expect((await mine(s, words)).map((p) => p.text)).toEqual([words('after')]);
    });

    it('edits a post queued but not yet delivered: the edit waits behind its create', async () => {
      const s = make();
      const words = tagged();
      const ref = s.notifier.post({ channel: s.channel }, says(words('draft')));
      const edits = [s.notifier.edit(ref, says(words('edit one'))), s.notifier.edit(ref, says(words('edit two')))];
      expect(s.notifier.depth).toBeGreaterThanOrEqual(1);
      expect((await Promise.all(edits)).every((e) => e.ok)).toBe(true);
      expect((await mine(s, words)).map((p) => p.text)).toEqual([words('edit two')]);
      expect(s.notifier.depth).toBe(0);
    });

    it('keeps the order within a thread, replies and edits alike', async () => {
      const s = make();
      const words = tagged();
      const root = s.notifier.post({ channel: s.channel }, says(words('thread')));
      const replies = [1, 2, 3, 4, 5].map((n) => s.notifier.post({ channel: s.channel, thread: root }, says(words(`reply ${n}`))));
      const edit = s.notifier.edit(replies[1]!, says(words('reply 2 edited')));
      await Promise.all([edit, ...replies.map((r) => r.delivery)]);
      const seen = await mine(s, words);
      expect(seen.map((p) => p.text)).toEqual([
        words('thread'),
        words('reply 1'),
        words('reply 2 edited'),
        words('reply 3'),
        words('reply 4'),
        words('reply 5'),
      ]);
    });

    it('delivers a burst to two channels whole: every post once, each channel in order, the last edit shown', async () => {
      const s = make();
      const words = tagged();
      const channels = [s.channel, s.otherChannel];
      const refs = Array.from({ length: 40 }, (_, i) => s.notifier.post({ channel: channels[i % 2] ?? '' }, says(words(`burst ${i}`))));
      const edits = [s.notifier.edit(refs[0]!, says(words('burst 0 edited'))), s.notifier.edit(refs[1]!, says(words('burst 1 edited')))];
      const outcomes = await Promise.all([...refs.map((r) => r.delivery), ...edits]);
      expect(outcomes.every((o) => o.ok)).toBe(true);
      for (const [c, channel] of channels.entries()) {
        const expected = Array.from({ length: 20 }, (_, i) => 2 * i + c).map((n) => words(n < 2 ? `burst ${n} edited` : `burst ${n}`));
        const seen = (await s.read(channel)).filter((p) => p.text.endsWith(words('')));
        expect(seen.map((p) => p.text)).toEqual(expected);
      }
      expect(s.notifier.depth).toBe(0);
    });

    it('attaches files to a post when it is made, names them in its delivery, and keeps them through edits', async () => {
      const s = make();
      const words = tagged();
      const log = `${'x'.repeat(60)}\n`.repeat(1_000) + 'the last line\n';
      const ref = s.notifier.post({ channel: s.channel }, says(words('with a file')), [
        { name: 'mm-a-mattermost-previous.log', content: log },
        { name: 'second.log', content: 'two\n' },
      ]);
      const delivery = await ref.delivery;
      if (!delivery.ok) throw new Error(delivery.reason);
      expect(delivery.fileIds).toHaveLength(2);
      const expected = [
        { id: delivery.fileIds?.[0], name: 'mm-a-mattermost-previous.log', content: log },
        { id: delivery.fileIds?.[1], name: 'second.log', content: 'two\n' },
      ];
      const byName = (files: { name: string }[]) => [...files].sort((a, b) => a.name.localeCompare(b.name));
      expect(byName(await s.files(delivery.postId))).toEqual(expected);
      // An edit names no files: the post keeps the ones it was made with (a root edited to its current state).
      expect((await s.notifier.edit(ref, says(words('edited')))).ok).toBe(true);
      expect((await s.notifier.edit(existingPost(s.channel, delivery.postId), says(words('edited again')))).ok).toBe(true);
      expect((await mine(s, words)).map((p) => p.text)).toEqual([words('edited again')]);
      expect(byName(await s.files(delivery.postId))).toEqual(expected);
      // A post without files names none.
      const plain = await s.notifier.post({ channel: s.channel }, says(words('no file'))).delivery;
      expect(plain.ok && plain.fileIds).toBeFalsy();
    });

    it('reports a post the server refuses, and an edit of it, as not delivered', async () => {
      const s = make();
      const ref = s.notifier.post({ channel: s.missingChannel }, says('nowhere'));
      const edit = s.notifier.edit(ref, says('nowhere, edited'));
      expect(await ref.delivery).toMatchObject({ ok: false });
      expect(await edit).toMatchObject({ ok: false });
    });
  });
}
