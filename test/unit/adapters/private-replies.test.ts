/**
 * A private reply (a digest preview) reaches the requester alone: as the slash command's answer,
 * or through its response_url once Mattermost was told "working on it"; where neither is possible
 * (a mention, a failed ephemeral post) the channel hears how to get it, never the reply itself.
 */
import { describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { createChatResponder, type ChatNotifier } from '../../../src/adapters/mattermost/chat-responder.ts';
import type { Pipeline } from '../../../src/core/pipeline.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { reply, text, type Reply } from '../../../src/core/reply.ts';
import { chatUser } from '../../support/core-harness.ts';

const secretDigest: Reply = { ...reply('info', text('RED: chat/mattermost crash-looping')), privately: true };

/** A pipeline that answers after `delayMs` with the private digest. */
const slowPipeline = (delayMs: number): Pipeline =>
  ({ run: () => new Promise((r) => setTimeout(() => r({ reply: secretDigest }), delayMs)) }) as unknown as Pipeline;

/** What the responder posted in channels, as plain text. */
function recordingNotifier(): { notifier: ChatNotifier; posted: string[] } {
  const posted: string[] = [];
  const ref = { key: 'k', channel: 'c', delivery: Promise.resolve({ ok: true as const, postId: 'p1' }) };
  const notifier = {
    post: (_to: unknown, r: Reply) => {
      posted.push(JSON.stringify(r));
      return ref;
    },
    postText: (_to: unknown, line: string) => {
      posted.push(line);
      return ref;
    },
    edit: () => ref.delivery,
    editText: () => ref.delivery,
  } as unknown as ChatNotifier;
  return { notifier, posted };
}

function responderWith(pipeline: Pipeline) {
  const { notifier, posted } = recordingNotifier();
  const responder = createChatResponder({ pipeline, notifier, signer: createHmacSigner('k'), publicUrl: 'http://bot', logger: silentLogger });
  return { responder, posted };
}

const request = { caller: chatUser('alice'), target: { channelId: 'c'.repeat(26) }, text: 'digest all' };

describe('a private reply', () => {
  it('ready within the budget is the slash answer itself, posted nowhere', async () => {
    const { responder, posted } = responderWith(slowPipeline(0));
    const early = await responder.respond(request, true, 1_000).early;
    expect(early).toMatchObject({ kind: 'reply', posted: false });
    expect(posted).toEqual([]);
  });

  it('after "working on it" goes through the private path when there is one', async () => {
    const { responder, posted } = responderWith(slowPipeline(50));
    const shown: Reply[] = [];
    const privately = (r: Reply): Promise<boolean> => {
      shown.push(r);
      return Promise.resolve(true);
    };
    const { done } = responder.respond({ ...request, privately }, true, 1);
    await done;
    expect(shown).toEqual([secretDigest]);
    expect(posted).toEqual([]);
  });

  it('with no private path left (a mention, or the ephemeral post failed) is never posted in the channel', async () => {
    for (const [privateErrors, privately] of [
      [false, undefined],
      [true, () => Promise.resolve(false)],
    ] as const) {
      const { responder, posted } = responderWith(slowPipeline(50));
      const { done } = responder.respond({ ...request, ...(privately ? { privately } : {}) }, privateErrors, 1);
      await done;
      expect(posted.join('\n')).not.toContain('crash-looping');
      expect(posted).toHaveLength(1);
      expect(posted[0]).toContain('this answer is private');
    }
  });
});
