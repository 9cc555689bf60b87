/**
 * An incident root's Undo button (issue 12, change-aware roots): its context is signed with the
 * plan buttons' signer over the command, the post, the channel and the expiry, so an edited,
 * moved, expired or borrowed context is refused; the notifier signs it once the root has its id;
 * a click runs the command as the clicker, through the policy, and always asks before applying.
 */
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { signButton } from '../../../src/adapters/mattermost/button-context.ts';
import type { ChatIdentity } from '../../../src/adapters/mattermost/chat-identity.ts';
import { createChatResponder, type ChatNotifier } from '../../../src/adapters/mattermost/chat-responder.ts';
import type { MattermostApi, NewPost } from '../../../src/adapters/mattermost/mattermost-api.ts';
import { createMattermostNotifier } from '../../../src/adapters/mattermost/mattermost-notifier.ts';
import { ServerPacer } from '../../../src/adapters/mattermost/server-pacer.ts';
import { commandButtons, signUndo, undoButtonTtlMs, verifyUndo, type UndoClaims } from '../../../src/adapters/mattermost/undo-button.ts';
import { actionRoute } from '../../../src/adapters/mattermost/webhook/action-route.ts';
import type { Caller } from '../../../src/core/model/caller.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { fields, heading, reply, text, type Reply } from '../../../src/core/reply.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { chatUser, createHarness } from '../../support/core-harness.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';

const signer = createHmacSigner('unit-test-signing-key');
const id = (c: string): string => c.repeat(26);
const command = 'scale mattermost 2 -n chat --cluster sandbox-bot';
const claims: UndoClaims = { action: 'undo', command, post: id('p'), channel: id('c'), expires: 2_000 };
const body = { userId: id('a'), postId: id('p'), channelId: id('c') };

describe('the Undo button context', () => {
  it("accepts the bot's own context for its post and channel before it expires", () => {
    expect(verifyUndo(signer, signUndo(signer, claims), body, 1_000)).toEqual({ ok: true, claims });
  });

  it('refuses a context edited after signing, moved to another post or channel, or expired', () => {
    for (const [key, value] of [
      ['command', 'scale mattermost 0 -n chat --cluster sandbox-bot'],
      ['post', id('q')],
      ['channel', id('d')],
      ['expires', '9999999'],
      ['sig', 'forged'],
    ]) {
      const context = { ...signUndo(signer, claims), [key as string]: value };
      expect(verifyUndo(signer, context, { ...body, postId: context.post ?? '', channelId: context.channel ?? '' }, 1_000)).toEqual({
        ok: false,
        why: 'invalid',
      });
    }
    expect(verifyUndo(signer, signUndo(signer, claims), { ...body, postId: id('q') }, 1_000).ok).toBe(false);
    expect(verifyUndo(signer, signUndo(signer, claims), body, 3_000)).toEqual({ ok: false, why: 'expired' });
    expect(verifyUndo(createHmacSigner('another-key'), signUndo(signer, claims), body, 1_000).ok).toBe(false);
  });

  it("refuses a plan's Confirm context dressed as an Undo: the signatures are over different claims", () => {
    const confirm = signButton(signer, {
      action: 'confirm',
      token: command,
      requester: id('a'),
      post: id('p'),
      channel: id('c'),
      root: id('p'),
      expires: 2_000,
    });
    expect(verifyUndo(signer, { ...confirm, action: 'undo', command }, body, 1_000).ok).toBe(false);
  });
});

describe('the notifier and the Undo button', () => {
  const root: Reply = reply(
    'danger',
    heading('CRITICAL chat/mattermost: container mattermost is crash-looping (1 pod)'),
    fields([{ label: 'rule', value: 'crash-loop' }]),
    text(`To undo it: ${command}`),
    { kind: 'actions', actions: [{ id: 'undo', label: 'Undo', style: 'danger', command }] },
  );

  function recordingApi() {
    const sent: { kind: 'create' | 'patch'; id?: string; body: { message?: string; props?: Record<string, unknown> } }[] = [];
    const api = {
      createPost: (post: NewPost) => {
        sent.push({ kind: 'create', body: structuredClone(post) });
        return Promise.resolve({ id: id('r'), channel_id: post.channel_id, user_id: 'bot', root_id: '', message: post.message, create_at: 0 });
      },
      patchPost: (postId: string, patch: { message?: string; props?: Record<string, unknown> }) => {
        sent.push({ kind: 'patch', id: postId, body: structuredClone(patch) });
        return Promise.resolve({ id: postId, channel_id: id('c'), user_id: 'bot', root_id: '', message: patch.message ?? '', create_at: 0 });
      },
      postsSince: () => Promise.resolve([]),
    } as unknown as MattermostApi;
    return { api, sent };
  }
  const actionsOf = (b: { props?: Record<string, unknown> }) =>
    (b.props?.attachments as { actions?: { name: string; integration: { context: Record<string, string> } }[] }[] | undefined)?.[0]?.actions ?? [];

  it('posts the root, then adds the button signed for the post it made; an edit signs it again', async () => {
    const clock = new FakeClock(new Date(1_000));
    const { api, sent } = recordingApi();
    const notifier = createMattermostNotifier({
      api,
      clock,
      logger: silentLogger,
      pacer: new ServerPacer({ clock }),
      commandButtons: commandButtons({ signer, publicUrl: 'https://bot.example.com', clock }),
    });
    const ref = notifier.post({ channel: id('c') }, root);
    await clock.advance(0);
    expect(await ref.delivery).toEqual({ ok: true, postId: id('r') });
    expect(sent.map((s) => s.kind)).toEqual(['create', 'patch']);
    expect(actionsOf(sent[0]!.body)).toEqual([]);
    const [button] = actionsOf(sent[1]!.body);
    expect(button?.name).toBe('Undo');
    const check = verifyUndo(signer, button!.integration.context, { userId: id('a'), postId: id('r'), channelId: id('c') }, 2_000);
    expect(check).toEqual({ ok: true, claims: { action: 'undo', command, post: id('r'), channel: id('c'), expires: 1_000 + undoButtonTtlMs } });

    const edited = notifier.edit(ref, root);
    await clock.advance(0);
    await edited;
    expect(actionsOf(sent[2]!.body)[0]?.integration.context.post).toBe(id('r'));
    // A root without the note's button (resolved) loses it.
    const resolved = notifier.edit(ref, reply('good', heading('RESOLVED chat/mattermost: ...'), text(`To undo it: ${command}`)));
    await clock.advance(0);
    await resolved;
    expect(actionsOf(sent[3]!.body)).toEqual([]);
  });

  it('without a signer shows the root without the button', async () => {
    const clock = new FakeClock(new Date(1_000));
    const { api, sent } = recordingApi();
    const notifier = createMattermostNotifier({ api, clock, logger: silentLogger, pacer: new ServerPacer({ clock }) });
    const ref = notifier.post({ channel: id('c') }, root);
    await clock.advance(0);
    await ref.delivery;
    expect(sent.map((s) => s.kind)).toEqual(['create']);
    expect(actionsOf(sent[0]!.body)).toEqual([]);
  });
});

describe('a click on Undo', () => {
  const policy = PolicySchema.parse({
    roles: { operator: { verbs: ['scale'], limits: { maxReplicas: 20, minReplicas: 0 } }, reader: { verbs: ['status'] } },
    bindings: [
      { role: 'operator', subjects: [{ user: 'alice' }] },
      { role: 'reader', subjects: [{ user: 'bob' }] },
    ],
  });

  function clickAs(caller: Caller, context: Record<string, string>) {
    const h = createHarness({ policy });
    h.gateway.seed('chat', 'mattermost', { replicas: 3 });
    const posted: Reply[] = [];
    const ref = { key: 'k', channel: id('c'), delivery: Promise.resolve({ ok: true as const, postId: id('n') }) };
    const notifier = {
      post: (_to: unknown, r: Reply) => (posted.push(r), ref),
      postText: () => ref,
      edit: (_p: unknown, r: Reply) => (posted.push(r), ref.delivery),
      editText: () => ref.delivery,
    } as unknown as ChatNotifier;
    const responder = createChatResponder({ pipeline: h.pipeline, notifier, signer, publicUrl: 'http://bot', logger: silentLogger });
    const identity = { callerFor: () => Promise.resolve(caller) } as unknown as ChatIdentity;
    let answer: { status: number; json: unknown } = { status: 200, json: undefined };
    const res = {
      status(code: number) {
        answer = { ...answer, status: code };
        return res;
      },
      json(value: unknown) {
        answer = { ...answer, json: value };
        return res;
      },
    } as unknown as Response;
    const req = { body: { user_id: id('a'), post_id: id('p'), channel_id: id('c'), context } } as unknown as Request;
    const deps = { responder, identity, signer, api: {} as MattermostApi, notifier: { editText: () => ref.delivery }, logger: silentLogger };
    return { h, posted, done: actionRoute(deps, req, res).then(() => answer) };
  }
  const genuine = signUndo(signer, { ...claims, expires: Date.now() + 60_000 });

  it('by an allowed user: a plan awaiting their Confirm in the thread, even for a change risk; nothing written until they confirm', async () => {
    const { h, posted, done } = clickAs(chatUser('alice'), genuine);
    expect((await done).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const plan = posted.find((r) => r.pending);
    expect(plan?.pending).toBeDefined();
    expect(h.gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(3);
    const confirmed = await h.run(`confirm ${plan!.pending!.code}`, chatUser('alice'));
    expect(confirmed.text).toContain('done, stable 2/2');
    expect(h.gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(2);
    expect(h.audit.entries.map((e) => [e.requester, e.phase])).toEqual([
      ['@alice', 'requested'],
      ['@alice', 'confirmed'],
      ['@alice', 'applied'],
      ['@alice', 'succeeded'],
    ]);
  });

  it('by a user without the right: the usual refusal to them alone, nothing planned or changed', async () => {
    const { h, posted, done } = clickAs(chatUser('bob'), genuine);
    const answer = await done;
    expect((answer.json as { ephemeral_text: string }).ephemeral_text.replaceAll('\u200B', '')).toContain('@bob may not use scale');
    expect(posted).toEqual([]);
    expect(h.gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(3);
    // A verb the policy grants bob nowhere is refused before any installation is read (docs/operations.md).
    expect(h.audit.entries.filter((e) => e.phase !== 'denied')).toEqual([]);
  });

  it('with an edited command: refused before anything runs', async () => {
    const { h, done } = clickAs(chatUser('alice'), { ...genuine, command: 'scale mattermost 0 -n chat --cluster sandbox-bot' });
    expect(await done).toEqual({ status: 403, json: { ephemeral_text: 'This button is not valid.' } });
    expect(h.audit.entries).toEqual([]);
  });
});
