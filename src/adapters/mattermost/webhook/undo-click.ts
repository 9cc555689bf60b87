/**
 * A click on an incident root's Undo button (issue 12, change-aware roots): the signed command
 * (undo-button.ts) is run as whoever Mattermost says clicked, exactly as if they had typed it in
 * the incident's thread: the policy decides whether they may, the change is previewed with a
 * server-side dry run, and it always waits for their Confirm, whatever its risk; then the lock and
 * the audit as for any change. A refusal comes back to the clicker alone; the root is left as it is.
 */
import type { Response } from 'express';
import type { Caller } from '../../../core/model/caller.ts';
import type { ChatResponder } from '../chat-responder.ts';
import { renderMarkdown } from '../render-post.ts';
import type { UndoClaims } from '../undo-button.ts';

export async function undoClick(responder: ChatResponder, caller: Caller, claims: UndoClaims, res: Response): Promise<void> {
  const { early } = responder.respond(
    { caller, target: { channelId: claims.channel, rootId: claims.post }, text: claims.command, confirmChanges: true },
    true,
    2_000,
  );
  const answer = await early;
  if (answer.kind === 'reply' && !answer.posted) {
    res.json({ ephemeral_text: renderMarkdown(answer.reply) });
    return;
  }
  // The plan (or its progress) is posted in the thread; the click itself changes no post.
  res.json({});
}
