/**
 * `/hooks/action`: a click on a Confirm or Cancel button, or on an incident's Undo (undo-click.ts).
 * The context must be one the bot signed for this post, channel and plan (or command), unexpired
 * (button-context.ts, undo-button.ts); the clicker is whoever
 * Mattermost says clicked, looked up by id, and the core decides whether they may. The plan post
 * loses its buttons only once the change was really accepted (issue 9, item 10).
 */
import type { Request, Response } from 'express';
import type { Signer } from '../../../core/ports/signer.ts';
import type { OperationBase } from '../../../core/verb.ts';
import { verifyButton, type ButtonClaims, type ClickBody } from '../button-context.ts';
import { verifyUndo } from '../undo-button.ts';
import { undoClick } from './undo-click.ts';
import type { ChatIdentity } from '../chat-identity.ts';
import type { ChatResponder } from '../chat-responder.ts';
import { MattermostApiError, type MattermostApi, type Post } from '../mattermost-api.ts';
import type { MattermostNotifier } from '../mattermost-notifier.ts';
import { renderMarkdown, type Attachment } from '../render-post.ts';
import type { Logger } from '../../../core/ports/logger.ts';
import { existingPost } from '../../../core/ports/notifier.ts';

export interface ActionDeps {
  responder: ChatResponder;
  identity: ChatIdentity;
  signer: Signer;
  api: MattermostApi;
  notifier: Pick<MattermostNotifier, 'editText'>;
  logger: Logger;
}

const field = (body: Record<string, unknown>, key: string): string => (typeof body[key] === 'string' ? body[key] : '');

/** The plan post without its buttons, with who acted on it. */
async function settledPlan(api: MattermostApi, postId: string, line: string): Promise<{ message: string; props: Record<string, unknown> }> {
  const post = await api.call<Post>('GET', `/posts/${postId}`).catch(() => undefined);
  const attachments = ((post?.props?.attachments ?? []) as Attachment[]).map(({ actions: _, ...rest }) => rest);
  return { message: `${post?.message ?? ''}\n${line}`.trim(), props: { attachments } };
}

async function clicker(deps: ActionDeps, userId: string, channelId: string): Promise<Awaited<ReturnType<ChatIdentity['callerFor']>> | undefined> {
  // Mattermost does not sign button requests: names come from looking up the ids, never the body.
  return await deps.identity.callerFor(userId, channelId).catch((error: unknown) => {
    if (error instanceof MattermostApiError && error.status >= 400 && error.status < 500) return undefined; // no such user
    throw error;
  });
}

const settledLine = (claims: ButtonClaims, name: string): string =>
  claims.action === 'confirm' ? `:white_check_mark: confirmed by ${name}` : `:x: cancelled by ${name}`;

const refuse = (res: Response, why: 'invalid' | 'expired', expired: string): void => {
  res.status(403).json({ ephemeral_text: why === 'expired' ? expired : 'This button is not valid.' });
};

/** An incident's Undo: its signed command, run as the clicker (undo-click.ts). */
async function undoRoute(deps: ActionDeps, context: Record<string, unknown>, click: ClickBody, res: Response): Promise<void> {
  const check = verifyUndo(deps.signer, context, click, Date.now());
  if (!check.ok) return refuse(res, check.why, 'This Undo button has expired: type its command instead (it is on the post).');
  const caller = await clicker(deps, click.userId, check.claims.channel);
  if (!caller) return refuse(res, 'invalid', '');
  await undoClick(deps.responder, caller, check.claims, res);
}

export async function actionRoute(deps: ActionDeps, req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const click = { userId: field(body, 'user_id'), postId: field(body, 'post_id'), channelId: field(body, 'channel_id') };
  const context = (body.context ?? {}) as Record<string, unknown>;
  if (context.action === 'undo') return await undoRoute(deps, context, click, res);
  const check = verifyButton(deps.signer, context, click, Date.now());
  if (!check.ok) return refuse(res, check.why, 'This button has expired: run the command again for a fresh plan.');
  const { claims } = check;
  const caller = await clicker(deps, click.userId, claims.channel);
  if (!caller) return refuse(res, 'invalid', '');
  const code = claims.token.split('.')[0] ?? '';
  // The click is the confirm (or cancel) itself: the core gets the operation, no command text to parse.
  const { early, accepted } = deps.responder.respond(
    {
      caller,
      target: { channelId: claims.channel, rootId: claims.root },
      text: `${claims.action} ${code}`,
      operation: { verb: claims.action, code: claims.token } as OperationBase,
    },
    true,
    2_000,
  );
  const answer = await early;
  if (answer.kind === 'reply' && !answer.posted) {
    res.json({ ephemeral_text: renderMarkdown(answer.reply) });
    return;
  }
  const line = settledLine(claims, caller.name);
  if (answer.kind !== 'waiting') {
    res.json({ update: await settledPlan(deps.api, claims.post, line) });
    return;
  }
  // Not accepted yet: the buttons stay until it is; an error then is posted in the plan's thread.
  res.json({ ephemeral_text: 'Working on it...' });
  void accepted
    .then(async (ok) => {
      if (!ok) return;
      const settled = await settledPlan(deps.api, claims.post, line);
      // Queued behind the plan's thread in the outbox; a failure there is logged by it.
      await deps.notifier.editText(existingPost(claims.channel, claims.post), settled.message, settled.props.attachments as unknown[]);
    })
    .catch((error: unknown) => deps.logger.warn({ err: (error as Error).message }, 'could not mark the plan as settled'));
}
