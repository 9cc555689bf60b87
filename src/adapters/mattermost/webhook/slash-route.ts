/**
 * `/hooks/slash`: a `/k8s ...` command from Mattermost, checked against the command's token, then
 * answered by the responder. A bare `/k8s` gets the help privately, never in the channel.
 */
import type { Request, Response } from 'express';
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
}

/**
 * How long a slash request waits for its reply before Mattermost hears "Working on it..." (the
 * reply then comes as a post). Well under Mattermost's own 30 s timeout and what a person waits
 * for: issue 16 asks for every answer within 1 s under load.
 */
export const slashAnswerBudgetMs = 700;

const field = (body: Record<string, unknown>, key: string): string => (typeof body[key] === 'string' ? body[key] : '');
const ephemeral = (res: Response, text: string): void => {
  res.json({ response_type: 'ephemeral', text });
};

export async function slashRoute(deps: SlashDeps, req: Request, res: Response): Promise<void> {
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
  const caller = await deps.identity.callerFor(field(body, 'user_id'), field(body, 'channel_id'), {
    username: field(body, 'user_name'),
    team: field(body, 'team_domain'),
    channel: field(body, 'channel_name'),
  });
  const target = { channelId: field(body, 'channel_id') };
  const text = field(body, 'text').trim();
  if (!text) {
    ephemeral(res, renderMarkdown(await deps.responder.answerPrivately({ caller, target, text: 'help' })));
    return;
  }
  const privately = commandResponse(deps.api.url, field(body, 'response_url'));
  const answer = await deps.responder.respond({ caller, target, text, ...(privately ? { privately } : {}) }, true, slashAnswerBudgetMs).early;
  if (answer.kind === 'reply' && !answer.posted) ephemeral(res, renderMarkdown(answer.reply));
  else if (answer.kind === 'reply') ephemeral(res, '');
  else ephemeral(res, 'Working on it...');
}
