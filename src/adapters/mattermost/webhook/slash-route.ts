/**
 * `/hooks/slash`: a `/k8s ...` command from Mattermost, checked against the command's token, then
 * answered by the responder. A bare `/k8s` gets the help privately, never in the channel.
 */
import type { Request, Response } from 'express';
import type { Caller } from '../../../core/model/caller.ts';
import type { Logger } from '../../../core/ports/logger.ts';
import { reply, text } from '../../../core/reply.ts';
import { isMattermostId } from '../mattermost-id.ts';
import type { ChatIdentity } from '../chat-identity.ts';
import type { ChatResponder } from '../chat-responder.ts';
import { commandResponse } from '../command-response.ts';
import { renderMarkdown } from '../render-post.ts';
import { isKnownToken, slashToken } from './verify-token.ts';

export interface SlashDeps {
  responder: ChatResponder;
  identity: ChatIdentity;
  slashTokens: readonly string[];
  /** The configured Mattermost, where late private answers go (command-response.ts). */
  api: { readonly url: string };
  logger: Logger;
}

/**
 * How long a slash request waits for its reply before Mattermost hears "Working on it..." (the
 * reply then comes as a post). Well under Mattermost's own 30 s timeout and what a person waits
 * for: issue 16 asks for every answer within 1 s under load.
 */
export const slashAnswerBudgetMs = 700;

// Not echoing the command: it may hold a value to mask (env set), and the requester knows what they typed.
const lookupFailed = 'Your /k8s command did not run: matterops could not look you up in Mattermost. Nothing changed; try it again in a minute.';

/** The lookup's caller, or `late` once `deadline` (a `performance.now()` instant) has passed without it. */
async function callerBefore(lookup: Promise<Caller>, deadline: number): Promise<Caller | 'late'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([lookup, late]);
  } finally {
    clearTimeout(timer);
  }
}

const field = (body: Record<string, unknown>, key: string): string => (typeof body[key] === 'string' ? body[key] : '');
const ephemeral = (res: Response, text: string): void => {
  res.json({ response_type: 'ephemeral', text });
};

export async function slashRoute(deps: SlashDeps, req: Request, res: Response): Promise<void> {
  // The budget counts from the request's arrival: naming the caller (Mattermost lookups of the user,
  // channel and groups when they are not cached) spends it too, and is slowest exactly under load.
  const deadline = performance.now() + slashAnswerBudgetMs;
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (!isKnownToken(slashToken(req.get('authorization'), body.token), deps.slashTokens)) {
    res.status(401).end();
    return;
  }
  // user_id is trusted only now, after the command token checked out, and only in Mattermost's id shape.
  if (!isMattermostId(field(body, 'user_id')) || !isMattermostId(field(body, 'channel_id'))) {
    res.status(400).json({ response_type: 'ephemeral', text: 'This request names no Mattermost user and channel.' });
    return;
  }
  const lookup = deps.identity.callerFor(field(body, 'user_id'), field(body, 'channel_id'), {
    username: field(body, 'user_name'),
    team: field(body, 'team_domain'),
    channel: field(body, 'channel_name'),
  });
  const target = { channelId: field(body, 'channel_id') };
  const command = field(body, 'text').trim();
  if (!command) {
    ephemeral(res, renderMarkdown(await deps.responder.answerPrivately({ caller: await lookup, target, text: 'help' })));
    return;
  }
  const privately = commandResponse(deps.api.url, field(body, 'response_url'));
  const caller = await callerBefore(lookup, deadline);
  if (caller === 'late') {
    // Mattermost hears back within the budget; the command runs once the caller is known, its reply
    // a post (errors privately through response_url), as any reply later than the budget.
    ephemeral(res, 'Working on it...');
    void lookup
      .then((c) => deps.responder.respond({ caller: c, target, text: command, ...(privately ? { privately } : {}) }, true, 0).done)
      .catch(async (error: unknown) => {
        deps.logger.error({ err: (error as Error).message }, 'could not name the caller of a slash command');
        // The requester was told "Working on it...": they hear that it did not run, and what to do.
        await privately?.({ ...reply('danger', text(lookupFailed)), error: 'unavailable' });
      });
    return;
  }
  const budgetLeft = Math.max(0, deadline - performance.now());
  const answer = await deps.responder.respond({ caller, target, text: command, ...(privately ? { privately } : {}) }, true, budgetLeft).early;
  if (answer.kind === 'reply' && !answer.posted) ephemeral(res, renderMarkdown(answer.reply));
  else if (answer.kind === 'reply') ephemeral(res, '');
  else ephemeral(res, 'Working on it...');
}
