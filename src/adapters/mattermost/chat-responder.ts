/**
 * One command from chat (slash or mention) through the pipeline, answered as the bot: progress in
 * one post edited in place, the outcome as the last edit, plans with signed Confirm/Cancel buttons.
 * `early` resolves as soon as the adapter can answer Mattermost's HTTP request (first progress,
 * the reply, or a timeout), while the work goes on.
 */
import type { Pipeline } from '../../core/pipeline.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { Signer } from '../../core/ports/signer.ts';
import type { Reply } from '../../core/reply.ts';
import type { Caller } from '../../core/verb-context.ts';
import type { Poster, Target } from './poster.ts';
import type { ActionContext } from './render-post.ts';

export interface ChatRequest { caller: Caller; target: Target; text: string }

export type Early = { kind: 'reply'; reply: Reply; posted: boolean } | { kind: 'working' };

export interface ResponderDeps { pipeline: Pipeline; poster: Poster; signer: Signer; publicUrl: string; logger: Logger }

/** Button contexts are signed by the bot: Mattermost forwards them unsigned (reference/mattermost.md D). */
export function actionContextFor(signer: Signer, publicUrl: string, token: string): ActionContext {
  return (actionId) => ({ url: `${publicUrl}/hooks/action`, context: { action: actionId, token, sig: signer.sign(`${actionId}.${token}`) } });
}

export function createChatResponder(deps: ResponderDeps) {
  /** Runs the command; posts progress, plan or outcome; errors go back privately when `privateErrors`. */
  function respond(request: ChatRequest, privateErrors: boolean, earlyMs = 2_500): { early: Promise<Early>; done: Promise<void> } {
    let progressId: Promise<string> | undefined;
    let resolveEarly: (e: Early) => void = () => undefined;
    const early = new Promise<Early>((resolve) => { resolveEarly = resolve; });
    const timer = setTimeout(() => resolveEarly({ kind: 'working' }), earlyMs);
    const progress = (step: string): void => {
      const line = `:hourglass_flowing_sand: **${request.text}** (${request.caller.name}): ${step}`;
      if (!progressId) {
        progressId = deps.poster.text(request.target, line);
        resolveEarly({ kind: 'working' });
      } else {
        void progressId.then((id) => deps.poster.editText(id, line)).catch(() => undefined);
      }
    };
    const done = (async (): Promise<void> => {
      const { reply } = await deps.pipeline.run(request.text, request.caller, { progress, replyTo: `${request.target.channelId}:${request.target.rootId ?? ''}` });
      clearTimeout(timer);
      const actions = reply.pending ? actionContextFor(deps.signer, deps.publicUrl, reply.pending.token) : undefined;
      if (progressId) {
        await deps.poster.edit(await progressId, reply, actions);
      } else if (reply.error && privateErrors) {
        resolveEarly({ kind: 'reply', reply, posted: false });
        return;
      } else {
        await deps.poster.post(request.target, reply, actions);
      }
      resolveEarly({ kind: 'reply', reply, posted: true });
    })().catch((error: unknown) => {
      deps.logger.error({ err: (error as Error).message, text: request.text }, 'could not answer a chat command');
      resolveEarly({ kind: 'working' });
    });
    return { early, done };
  }
  return { respond };
}
export type ChatResponder = ReturnType<typeof createChatResponder>;
