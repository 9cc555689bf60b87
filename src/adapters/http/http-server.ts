/**
 * The bot's HTTP side (express 5): `/hooks/slash` (token-checked), `/hooks/action` (contexts the bot
 * signed itself), `/healthz`, `/readyz`. Thin: requests become ChatRequests for the responder.
 */
import express, { type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { Logger } from '../../core/ports/logger.ts';
import type { Signer } from '../../core/ports/signer.ts';
import type { ChatIdentity } from '../mattermost/chat-identity.ts';
import type { ChatResponder } from '../mattermost/chat-responder.ts';
import { MattermostApiError, type MattermostApi, type Post } from '../mattermost/mattermost-api.ts';
import { renderMarkdown, type Attachment } from '../mattermost/render-post.ts';
import { isKnownToken, slashToken } from './verify-token.ts';

export interface HttpDeps {
  responder: ChatResponder;
  /** Names the caller as the policy sees them (user, team, channel, groups). */
  identity: ChatIdentity;
  slashTokens: readonly string[];
  signer: Signer;
  api: MattermostApi;
  logger: Logger;
  /** Each check resolves true when that dependency answers. */
  readiness: Record<string, () => Promise<boolean>>;
  /** Shown by /readyz: whether this replica is the one listening for mentions. */
  role: () => 'leader' | 'follower';
}

const field = (body: Record<string, unknown>, key: string): string => (typeof body[key] === 'string' ? body[key] : '');

async function slash(deps: HttpDeps, req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (!isKnownToken(slashToken(req.get('authorization'), body.token), deps.slashTokens)) {
    res.status(401).end();
    return;
  }
  // user_id is trusted only now, after the command token checked out.
  const caller = await deps.identity.callerFor(field(body, 'user_id'), field(body, 'channel_id'),
    { username: field(body, 'user_name'), team: field(body, 'team_domain'), channel: field(body, 'channel_name') });
  const text = field(body, 'text').trim() || 'help';
  const { early } = deps.responder.respond({ caller, target: { channelId: field(body, 'channel_id') }, text }, true);
  const answer = await early;
  if (answer.kind === 'reply' && !answer.posted) res.json({ response_type: 'ephemeral', text: renderMarkdown(answer.reply) });
  else if (answer.kind === 'working') res.json({ response_type: 'ephemeral', text: `Working on \`${text}\`...` });
  else res.json({ response_type: 'ephemeral', text: '' });
}

/** The plan post without its buttons, with who acted on it. */
async function settledPlan(api: MattermostApi, postId: string, line: string): Promise<object> {
  const post = await api.call<Post>('GET', `/posts/${postId}`).catch(() => undefined);
  const attachments = ((post?.props?.attachments ?? []) as Attachment[]).map(({ actions: _, ...rest }) => rest);
  return { message: `${post?.message ?? ''}\n${line}`.trim(), props: { attachments } };
}

async function action(deps: HttpDeps, req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const context = (body.context ?? {}) as Record<string, unknown>;
  const [act, token, sig] = [field(context, 'action'), field(context, 'token'), field(context, 'sig')];
  if (!['confirm', 'cancel'].includes(act) || !token || !deps.signer.verify(`${act}.${token}`, sig)) {
    res.status(403).json({ ephemeral_text: 'This button is not valid.' });
    return;
  }
  // Mattermost does not sign button requests: the names come from looking up the ids, never the body.
  const caller = await deps.identity.callerFor(field(body, 'user_id'), field(body, 'channel_id')).catch((error: unknown) => {
    if (error instanceof MattermostApiError && error.status >= 400 && error.status < 500) return undefined; // no such user
    throw error;
  });
  if (!caller) {
    res.status(403).json({ ephemeral_text: 'This button is not valid.' });
    return;
  }
  const postId = field(body, 'post_id');
  const { early } = deps.responder.respond({ caller, target: { channelId: field(body, 'channel_id'), rootId: postId }, text: `${act} ${token}` }, true, 2_000);
  const answer = await early;
  if (answer.kind === 'reply' && !answer.posted) {
    res.json({ ephemeral_text: renderMarkdown(answer.reply) });
    return;
  }
  const line = act === 'confirm' ? `:white_check_mark: confirmed by ${caller.name}` : `:x: cancelled by ${caller.name}`;
  res.json({ update: await settledPlan(deps.api, postId, line) });
}

export function startHttpServer(deps: HttpDeps, host: string, port: number): Promise<Server> {
  const app = express();
  const guarded = (handler: (d: HttpDeps, req: Request, res: Response) => Promise<void>) => (req: Request, res: Response): void => {
    handler(deps, req, res).catch((error: unknown) => {
      deps.logger.error({ path: req.path, err: (error as Error).message }, 'request failed');
      if (!res.headersSent) res.status(500).json({ ephemeral_text: 'matterops hit an internal error; see its log.' });
    });
  };
  app.post('/hooks/slash', express.urlencoded({ extended: false, limit: '64kb' }), guarded(slash));
  app.post('/hooks/action', express.json({ limit: '64kb' }), guarded(action));
  app.get('/healthz', (_req, res) => { res.type('text').send('ok'); });
  app.get('/readyz', guarded(async (d, _req, res) => {
    const checks = Object.fromEntries(await Promise.all(Object.entries(d.readiness).map(async ([name, check]) => [name, await check().catch(() => false)] as const)));
    res.status(Object.values(checks).every(Boolean) ? 200 : 503).json({ ...checks, role: d.role() });
  }));
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
