/**
 * One command from chat (slash, mention or button) through the pipeline, answered as the bot:
 * progress in one post edited in place, the outcome as the last edit, plans with signed
 * Confirm/Cancel buttons. `early` resolves as soon as the adapter can answer Mattermost's HTTP
 * request (the command was accepted, the reply was queued, or the wait ran out), while the work goes on;
 * whatever comes after that answer still reaches the requester (issue 9, item 10). Every post and
 * edit goes through the notifier's outbox, so the progress edits and the outcome queue behind the
 * progress post even before Mattermost has made it.
 */
import type { OperationBase } from '../../core/verb.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { deliveredId, existingPost, type Delivery, type PostAddress, type PostRef } from '../../core/ports/notifier.ts';
import type { Signer } from '../../core/ports/signer.ts';
import type { Reply } from '../../core/reply.ts';
import type { Caller } from '../../core/model/caller.ts';
import { progressCard, withProgress } from '../../core/change/change-card.ts';
import { echoCommand, redactSecrets } from '../../core/text/redact.ts';
import { signButton } from './button-context.ts';
import type { Privately } from './command-response.ts';
import { escapeText } from './escape-markdown.ts';
import type { MattermostNotifier } from './mattermost-notifier.ts';
import type { ActionContext } from './render-post.ts';

/** Where a chat command came from and is answered: a channel, and the root of its thread. */
export interface Target {
  channelId: string;
  rootId?: string;
}

export interface ChatRequest {
  caller: Caller;
  target: Target;
  text: string;
  /** Shows a reply to the requester alone after the request was answered (a slash command's response_url). */
  privately?: Privately;
  /** What progress posts echo instead of `text` (a button's command carries its whole token). */
  shown?: string;
  /** An operation the adapter built (a button click): run as it is, `text` only names it. */
  operation?: OperationBase;
  /** Ask before applying a `change` risk too (an Undo button: a click never applies a change by itself). */
  confirmChanges?: boolean;
}

/**
 * `reply`: the answer came (posted, or left to the adapter to show privately); `accepted`: the
 * change is under way (its first progress); `waiting`: neither yet, the work goes on.
 */
export type Early = { kind: 'reply'; reply: Reply; posted: boolean } | { kind: 'accepted' } | { kind: 'waiting' };

export interface ResponderDeps {
  pipeline: Pipeline;
  notifier: ChatNotifier;
  signer: Signer;
  publicUrl: string;
  logger: Logger;
  /** The user's own channel of the bot's team by name (member-channel.ts); without it, `--channel` from chat is refused. */
  memberChannel?: (userId: string, name: string) => Promise<{ id: string; name: string } | undefined>;
}

/** What the responder posts through: the notifier, with plain progress lines and signed buttons. */
export type ChatNotifier = Pick<MattermostNotifier, 'post' | 'edit' | 'postText' | 'editText'>;

export interface Responding {
  early: Promise<Early>;
  /** True once the command was accepted (its first progress, or a reply that is no error); false otherwise. */
  accepted: Promise<boolean>;
  /** Resolves with the final reply once it is delivered (undefined when the command crashed). */
  done: Promise<Reply | undefined>;
}

/** Buttons for a plan carried by post `postId`: each context signs who, which plan, where, until when. */
export function actionContextFor(
  deps: Pick<ResponderDeps, 'signer' | 'publicUrl'>,
  reply: Reply,
  place: { requester: string; postId: string; target: Target },
): ActionContext | undefined {
  const pending = reply.pending;
  if (!pending) return undefined;
  const claims = {
    token: pending.token,
    requester: place.requester,
    post: place.postId,
    channel: place.target.channelId,
    root: place.target.rootId ?? place.postId,
    expires: pending.expiresAt.getTime(),
  };
  return (action) => ({
    url: `${deps.publicUrl}/hooks/action`,
    context: signButton(deps.signer, { ...claims, action: action.id === 'cancel' ? 'cancel' : 'confirm' }),
  });
}

const addressOf = (target: Target): PostAddress => ({
  channel: target.channelId,
  ...(target.rootId ? { thread: existingPost(target.channelId, target.rootId) } : {}),
});

/** Throws when a post or edit was given up, so the command's end reports it (logged, `done` undefined). */
async function delivered(outcome: Promise<Delivery>): Promise<void> {
  const end = await outcome;
  if (!end.ok) throw new Error(`could not post the reply: ${end.reason}`);
}

export function createChatResponder(deps: ResponderDeps) {
  const { notifier } = deps;
  /** Posts a plan, then adds its buttons: they sign the id of the post that carries them. */
  async function postPlan(request: ChatRequest, reply: Reply, progressPost: PostRef | undefined, queued: () => void): Promise<void> {
    const post = progressPost ?? notifier.post(addressOf(request.target), { ...reply, blocks: reply.blocks.filter((b) => b.kind !== 'actions') });
    queued();
    const postId = await deliveredId(post);
    await delivered(notifier.edit(post, reply, actionContextFor(deps, reply, { requester: request.caller.id, postId, target: request.target })));
  }

  /** Runs the command; posts progress, plan or outcome; errors go back privately when `privateErrors`. */
  function respond(request: ChatRequest, privateErrors: boolean, earlyMs = 2_500): Responding {
    let progressPost: PostRef | undefined;
    let answered = false;
    let resolveEarly: (e: Early) => void = () => undefined;
    const early = new Promise<Early>((resolve) => {
      resolveEarly = (e) => {
        answered = true;
        resolve(e);
      };
    });
    const timer = setTimeout(() => resolveEarly({ kind: 'waiting' }), earlyMs);
    // The steps reported so far, for the change card the plugin shows (change-card.ts).
    const steps: string[] = [];
    const progress = (step: string): void => {
      // Masked and escaped before the first post: Mattermost keeps every edit's old text (reference/mattermost.md D.x).
      const command = echoCommand(request.shown ?? request.text);
      const line = `:hourglass_flowing_sand: **${escapeText(command)}** (${request.caller.name}): ${escapeText(step)}`;
      steps.push(redactSecrets(step));
      const card = progressCard({ tone: 'info', installation: '', title: command, requester: request.caller.name }, steps);
      if (progressPost) {
        void notifier.editText(progressPost, line, undefined, card); // queued behind the progress post; a failure is logged by the outbox
        return;
      }
      progressPost = notifier.postText(addressOf(request.target), line, card);
      // A progress post that fails is logged and left: the outcome is then posted afresh.
      void progressPost.delivery.then((d) => {
        if (!d.ok) deps.logger.warn({ err: d.reason }, 'could not post progress');
      });
      resolveEarly({ kind: 'accepted' });
    };
    // The reply is queued: Mattermost's request can be answered now, however long the outbox
    // takes to deliver it (issue 16, item 1: no answer waits behind other posts).
    const queued = (reply: Reply): void => resolveEarly({ kind: 'reply', reply, posted: true });
    const deliver = async (reply: Reply): Promise<void> => {
      const progressMade = progressPost && (await progressPost.delivery).ok ? progressPost : undefined;
      if (reply.pending) return await postPlan(request, reply, progressMade, () => queued(reply));
      if (reply.privately) return await deliverPrivately(reply);
      // The outcome's card shows the steps the progress post reported before it.
      if (progressMade) return await delivered(notifier.edit(progressMade, reply.card ? { ...reply, card: withProgress(reply.card, steps) } : reply));
      if (reply.error && privateErrors) {
        if (!answered) return resolveEarly({ kind: 'reply', reply, posted: false });
        // Mattermost was already told "working on it": the error must still reach the requester,
        // privately where the request allows it, else in its thread.
        if (request.privately && (await request.privately(reply))) return;
      }
      const post = notifier.post(addressOf(request.target), reply);
      queued(reply);
      await delivered(post.delivery);
    };
    /**
     * A private reply (a digest preview) goes only to the requester: as the slash command's own
     * answer, else through the request's private path; with neither (a mention, or an ephemeral
     * post that failed) the channel is told how to get it, never shown it.
     */
    const deliverPrivately = async (reply: Reply): Promise<void> => {
      if (privateErrors && !answered) return resolveEarly({ kind: 'reply', reply, posted: false });
      if (request.privately && (await request.privately(reply))) return;
      const line = `${escapeText(request.caller.name)}: this answer is private and could not be sent privately here; type the slash command /k8s ${escapeText(echoCommand(request.shown ?? request.text))} to see it.`;
      const post = notifier.postText(addressOf(request.target), line);
      queued(reply);
      await delivered(post.delivery);
    };
    let accept: (ok: boolean) => void = () => undefined;
    const accepted = new Promise<boolean>((resolve) => {
      accept = resolve;
    });
    early.then(
      (e) => {
        if (e.kind === 'accepted') accept(true);
      },
      () => undefined,
    );
    const done = (async (): Promise<Reply | undefined> => {
      const { memberChannel } = deps;
      const options = {
        progress,
        replyTo: `${request.target.channelId}:${request.target.rootId ?? ''}`,
        channelId: request.target.channelId,
        ...(request.confirmChanges ? { confirmChanges: true } : {}),
        ...(memberChannel ? { memberChannel: (name: string) => memberChannel(request.caller.id, name) } : {}),
      };
      const { reply } = request.operation
        ? await deps.pipeline.runOperation(request.operation, request.caller, options)
        : await deps.pipeline.run(request.text, request.caller, options);
      clearTimeout(timer);
      accept(!reply.error);
      await deliver(reply);
      queued(reply);
      return reply;
    })().catch((error: unknown) => {
      deps.logger.error({ err: (error as Error).message }, 'could not answer a chat command');
      clearTimeout(timer);
      accept(false);
      resolveEarly({ kind: 'waiting' });
      return undefined;
    });
    return { early, accepted, done };
  }

  /** Runs a read-only command and hands the reply back, posting nothing (a bare `/k8s` gets help privately). */
  async function answerPrivately(request: ChatRequest): Promise<Reply> {
    return (await deps.pipeline.run(request.text, request.caller, {})).reply;
  }
  return { respond, answerPrivately };
}
export type ChatResponder = ReturnType<typeof createChatResponder>;
