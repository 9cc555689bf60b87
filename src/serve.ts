/**
 * `matterops serve`: the bot for Mattermost. Wires the chat adapters to the app: the REST poster
 * and its queue, the slash and action routes, the websocket listener with its cluster-kept state,
 * and, at start, whatever a previous matterops left in flight.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { startHttpServer } from './adapters/http/http-server.ts';
import { bindsGroups, createChatIdentity } from './adapters/mattermost/chat-identity.ts';
import { ChatState } from './adapters/mattermost/chat-state.ts';
import { createChatResponder } from './adapters/mattermost/chat-responder.ts';
import { MattermostApi } from './adapters/mattermost/mattermost-api.ts';
import { startMentionListener, type Mention, type MentionListener } from './adapters/mattermost/mention-listener.ts';
import { PostQueue } from './adapters/mattermost/post-queue.ts';
import { createPoster, type Poster } from './adapters/mattermost/poster.ts';
import { resumeInFlight } from './core/change/resume.ts';
import { MatteropsError } from './core/errors.ts';
import type { ClusterGateway } from './core/ports/cluster-gateway.ts';
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
  const chatState = app.chatState;
  const elect = app.elect;
  if (!chatState || !elect) throw new MatteropsError('internal', 'serve needs the chat state store and leader election that createApp builds with the cluster adapters');
  const identity = createChatIdentity(api, { groups: bindsGroups(app.changeDeps.policy.bindings), logger });
  // Mentions are answered in a thread: the post's own, or the one it belongs to.
  const onMention = (m: Mention): void => {
    identity.callerFor(m.post.user_id, m.post.channel_id).then((caller) => {
      responder.respond({ caller, target: { channelId: m.post.channel_id, rootId: m.post.root_id || m.post.id }, text: m.text || 'help' }, false);
    }).catch((e: unknown) => logger.error({ post: m.post.id, err: (e as Error).message }, 'could not answer a mention'));
  };
  const gateway = app.clusters.get(app.clusters.defaultContext);

  // Every replica answers HTTP; only the leader listens for mentions (two listeners would answer
  // each mention twice) and resumes what a dead replica left in flight. `term` tells a leadership
  // that ended while its listener was still starting.
  let mentions: { listener: MentionListener; state: ChatState } | undefined;
  let term = 0;
  let stopping: Promise<void> = Promise.resolve();
  const lead = async (): Promise<void> => {
    const mine = ++term;
    await stopping; // this replica's previous term has saved what it handled
    const state = await ChatState.load(chatState); // and so has the previous leader
    if (mine !== term) return;
    const listener = startMentionListener({ api, token: required(config.mattermost.botToken, 'MM_BOT_TOKEN'), bot: { id: me.id, username: me.username }, state, logger, onMention });
    mentions = { listener, state };
    // Posts made while no matterops was listening; slash commands are served meanwhile.
    await listener.catchUp();
    if (mine !== term) return;
    // Changes a dead replica left in flight: at first waiting for their locks to expire, then
    // every two lock durations those already expired (a follower may die at any time).
    resumeOrphans(config.changes.lockSeconds * 1000 + 2_000);
    orphanSweep = setInterval(() => resumeOrphans(0), config.changes.lockSeconds * 2_000);
    orphanSweep.unref();
  };
  let orphanSweep: NodeJS.Timeout | undefined;
  let resuming = false;
  const resumeOrphans = (waitMs: number): void => {
    if (!gateway || resuming) return;
    resuming = true;
    resumeLeftovers(app, gateway, poster, waitMs)
      .catch((e: unknown) => logger.error({ err: (e as Error).message }, 'resuming in-flight changes failed'))
      .finally(() => { resuming = false; });
  };
  /** Stops listening (leadership lost, or shutting down); resolves when the handled posts are saved. */
  const follow = (): Promise<void> => {
    term++;
    clearInterval(orphanSweep);
    const ended = mentions;
    mentions = undefined;
    if (ended) {
      ended.listener.close();
      stopping = ended.state.flushed();
    }
    return stopping;
  };
  // A leader that could not start listening must not sit on the Lease deaf: it tries again.
  const startLeading = (): void => {
    lead().catch((e: unknown) => {
      logger.error({ err: (e as Error).message }, 'starting to listen for mentions failed; trying again in 5 s');
      const failed = term;
      setTimeout(() => { if (election.leading && term === failed && !mentions) startLeading(); }, 5_000).unref();
    });
  };
  const election = elect({
    name: 'matterops-leader', identity: `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`, logger,
    onStartedLeading: startLeading,
    onStoppedLeading: () => { follow().catch((e: unknown) => logger.error({ err: (e as Error).message }, 'stopping the mention listener failed')); },
  });

  let server: Server;
  try {
    server = await startHttpServer({
      responder, identity, slashTokens, signer: app.changeDeps.signer, api, logger,
      readiness: {
        cluster: async () => Boolean(await gateway?.serverVersion()),
        mattermost: async () => Boolean((await api.me()).id),
        // A follower has no websocket to wait for.
        websocket: () => Promise.resolve(!election.leading || (mentions?.listener.connected ?? false)),
      },
      role: () => (election.leading ? 'leader' : 'follower'),
    }, host, Number(port));
  } catch (error) {
    await election.stop(); // no HTTP, no replica: do not go on leading
    throw error;
  }
  if (!config.signingKey) {
    logger.warn({}, 'MATTEROPS_SIGNING_KEY is not set: a random key is used, so waiting plans and buttons die with this process and other replicas cannot confirm them');
  }
  logger.info({ listen: config.http.listen, publicUrl, bot: me.username }, 'matterops serves Mattermost');
  return {
    url: publicUrl,
    async close() {
      await follow(); // stop listening and save what was handled, before the next leader reads it
      await election.stop(); // then hand the Lease over at once
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Reports the outcome of changes a dead matterops left in flight, where they were asked for. */
async function resumeLeftovers(app: App, gateway: ClusterGateway, poster: Poster, waitMs: number): Promise<void> {
  const reports = await resumeInFlight(app.changeDeps, { cluster: app.clusters.defaultContext, gateway, waitMs }, () => undefined);
  await Promise.all(reports.map(async (r) => {
    const [channelId, rootId] = (r.record.replyTo ?? '').split(':');
    if (channelId) await poster.post({ channelId, ...(rootId ? { rootId } : {}) }, r.reply);
  }));
}
