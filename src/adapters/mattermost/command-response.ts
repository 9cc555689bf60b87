/**
 * Late private answers to a slash command, through its `response_url` (Mattermost's delayed
 * command response: up to 5 uses within 30 minutes, delivered as an ephemeral post in the same
 * channel and thread). A bot may not create ephemeral posts itself (9.9 answers 403: it needs
 * create_post_ephemeral, a system admin permission), so this is how an error that arrives after
 * "Working on it" reaches only the requester. Only the hook's id is taken from the request: the
 * answer goes to the configured Mattermost, never to a URL the request names.
 */
import type { Reply } from '../../core/reply.ts';
import { renderMarkdown } from './render-post.ts';

export type Privately = (reply: Reply) => Promise<boolean>;

const hookPath = /\/hooks\/commands\/([a-z0-9]{26})$/;

/** A sender for one slash request's late private answers, or undefined when it carries no usable response_url. */
export function commandResponse(mattermostUrl: string, responseUrl: string): Privately | undefined {
  const hook = hookPath.exec(responseUrl)?.[1];
  if (!hook) return undefined;
  const url = `${mattermostUrl.replace(/\/$/, '')}/hooks/commands/${hook}`;
  return async (reply) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: renderMarkdown(reply) }),
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    return response?.ok ?? false;
  };
}
