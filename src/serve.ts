/**
 * `matterops serve`: the bot for Mattermost. Wires the chat adapters to the app: the REST poster
 * and its queue, the slash and action routes, the websocket listener with its cluster-kept state,
 * and, at start, whatever a previous matterops left in flight.
 */
import type { Server } from 'node:http';
import { startHttpServer } from './adapters/http/http-server.ts';
import { bindsGroups, createChatIdentity } from './adapters/mattermost/chat-identity.ts';
import { ChatState } from './adapters/mattermost/chat-state.ts';
import { createChatResponder } from './adapters/mattermost/chat-responder.ts';
import { MattermostApi } from './adapters/mattermost/mattermost-api.ts';
import { startMentionListener, type Mention } from './adapters/mattermost/mention-listener.ts';
import { PostQueue } from './adapters/mattermost/post-queue.ts';
import { createPoster } from './adapters/mattermost/poster.ts';
import { resumeInFlight } from './core/change/resume.ts';
import { MatteropsError } from './core/errors.ts';
import type { App } from './main.ts';

export interface RunningBot { url: string; close(): Promise<void> }

function required(value: string | undefined, what: string): string {
  if (!value) throw new MatteropsError('invalid', `matterops serve needs ${what}`, 'run matterops register first and use the environment it prints (or source .sandbox/env)');
  return value;
}

export async function serve(app: App): Promise<RunningBot> {
  const { config, logger } = app;
  const api = new MattermostApi(required(config.mattermost.url, 'MM_URL'), required(config.mattermost.botToken, 'MM_BOT_TOKEN'));
  const slashTokens = required(config.mattermost.slashTokens, 'MM_SLASH_TOKEN').split(',').map((t) => t.trim()).filter(Boolean);
  const me = await api.me();
  const [host = '127.0.0.1', port = '8080'] = config.http.listen.split(':');
  const publicUrl = (config.http.publicUrl ?? `http://${config.http.listen}`).replace(/\/$/, '');
  const queue = new PostQueue({ minIntervalMs: 1000 / config.mattermost.postsPerSecond, maxRetries: 8, logger });
  const poster = createPoster(api, queue);
  const responder = createChatResponder({ pipeline: app.pipeline, poster, signer: app.changeDeps.signer, publicUrl, logger });
  if (!app.chatState) throw new MatteropsError('internal', 'serve needs the chat state store that createApp builds with the cluster adapters');
  const state = await ChatState.load(app.chatState);
  const identity = createChatIdentity(api, { groups: bindsGroups(app.changeDeps.policy.bindings), logger });
  // Mentions are answered in a thread: the post's own, or the one it belongs to.
  const onMention = (m: Mention): void => {
    identity.callerFor(m.post.user_id, m.post.channel_id).then((caller) => {
      responder.respond({ caller, target: { channelId: m.post.channel_id, rootId: m.post.root_id || m.post.id }, text: m.text || 'help' }, false);
    }).catch((e: unknown) => logger.error({ post: m.post.id, err: (e as Error).message }, 'could not answer a mention'));
  };
  const listener = startMentionListener({ api, token: required(config.mattermost.botToken, 'MM_BOT_TOKEN'), bot: { id: me.id, username: me.username }, state, logger, onMention });
  const gateway = app.clusters.get(app.clusters.defaultContext);
  const server: Server = await startHttpServer({
    responder, identity, slashTokens, signer: app.changeDeps.signer, api, logger,
    readiness: {
      cluster: async () => Boolean(await gateway?.serverVersion()),
      mattermost: async () => Boolean((await api.me()).id),
      websocket: () => Promise.resolve(listener.connected),
    },
  }, host, Number(port));
  logger.info({ listen: config.http.listen, publicUrl, bot: me.username }, 'matterops serves Mattermost');
  // Posts made while no matterops was running; slash commands are served meanwhile.
  listener.catchUp().catch((e: unknown) => logger.error({ err: (e as Error).message }, 'catching up on missed posts failed'));
  if (gateway) {
    void resumeInFlight(app.changeDeps, { cluster: app.clusters.defaultContext, gateway, waitMs: config.changes.lockSeconds * 1000 + 2_000 }, () => undefined)
      .then((reports) => Promise.all(reports.map(async (r) => {
        const [channelId, rootId] = (r.record.replyTo ?? '').split(':');
        if (channelId) await poster.post({ channelId, ...(rootId ? { rootId } : {}) }, r.reply);
      }))).catch((e: unknown) => logger.error({ err: (e as Error).message }, 'resuming in-flight changes failed'));
  }
  return {
    url: publicUrl,
    async close() {
      listener.close();
      await new Promise((resolve) => server.close(resolve));
      await state.flushed();
    },
  };
}
