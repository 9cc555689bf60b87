/**
 * `matterops serve`: the bot for Mattermost. Wires the chat adapters to the app: the notifier and
 * its outbox, the slash and action routes, who callers are, and leader election, whose leader
 * runs the app's leader runnables (listening for mentions, resuming what a dead matterops left in
 * flight) through the leader manager (src/leader/).
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { startHttpServer } from './adapters/mattermost/webhook/http-server.ts';
import { bindsGroups, createChatIdentity } from './adapters/mattermost/chat-identity.ts';
import { createChatResponder } from './adapters/mattermost/chat-responder.ts';
import { MattermostApi } from './adapters/mattermost/mattermost-api.ts';
import type { Mention } from './adapters/mattermost/mention-listener.ts';
import { createMattermostNotifier } from './adapters/mattermost/mattermost-notifier.ts';
import { ServerPacer } from './adapters/mattermost/server-pacer.ts';
import { listenMismatch } from './config/public-url-listen.ts';
import { MatteropsError } from './core/errors.ts';
import { chatOutboxDepth, chatRateLimitedTotal, leaderStatus } from './core/metrics-catalog.ts';
import { startMetricsServer } from './adapters/metrics/metrics-server.ts';
import { createLeaderManager } from './leader/leader-manager.ts';
import type { ServeApp } from './main.ts';

export interface RunningBot {
  url: string;
  close(): Promise<void>;
}

function required(value: string | undefined, what: string): string {
  if (!value)
    throw new MatteropsError(
      'invalid',
      `matterops serve needs ${what}`,
      'run matterops register first and use the environment it prints (or source .sandbox/env)',
    );
  return value;
}

export async function serve(app: ServeApp): Promise<RunningBot> {
  const { config, logger } = app;
  const clock = app.changeDeps.clock;
  // Every answer of every call feeds the pacer, so the outbox sends as fast as the server allows.
  const pacer = new ServerPacer({ clock, ...(config.mattermost.postsPerSecond ? { ceilingPerSecond: config.mattermost.postsPerSecond } : {}) });
  const api = new MattermostApi(required(config.mattermost.url, 'MM_URL'), required(config.mattermost.botToken, 'MM_BOT_TOKEN'), {
    onAnswer: (answer) => pacer.answered(answer),
    now: () => clock.now().getTime(),
  });
  const slashTokens = required(config.mattermost.slashTokens, 'MM_SLASH_TOKEN')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const me = await api.me();
  const [host = '127.0.0.1', port = '8080'] = config.http.listen.split(':');
  const publicUrl = (config.http.publicUrl ?? `http://${config.http.listen}`).replace(/\/$/, '');
  const notifier = createMattermostNotifier({
    api,
    clock,
    logger,
    userId: me.id,
    pacer,
  });
  const { metrics } = app;
  metrics.sample(chatRateLimitedTotal, () => notifier.rateLimited);
  metrics.sample(chatOutboxDepth, () => notifier.depth);
  const responder = createChatResponder({ pipeline: app.pipeline, notifier, signer: app.changeDeps.signer, publicUrl, logger });
  const identity = createChatIdentity(api, { groups: bindsGroups(app.changeDeps.policy.bindings), logger });
  // Mentions are answered in a thread: the post's own, or the one it belongs to.
  const onMention = (m: Mention): void => {
    identity
      .callerFor(m.post.user_id, m.post.channel_id)
      .then((caller) => {
        responder.respond({ caller, target: { channelId: m.post.channel_id, rootId: m.post.root_id || m.post.id }, text: m.text || 'help' }, false);
      })
      .catch((e: unknown) => logger.error({ post: m.post.id, err: (e as Error).message }, 'could not answer a mention'));
  };
  const gateway = app.clusters.get(app.clusters.defaultContext);

  // Every replica answers HTTP; only the leader runs the leader runnables.
  const leader = createLeaderManager({
    clock: app.clock,
    logger,
    runnables: app.leaderRunnables({
      api,
      botToken: required(config.mattermost.botToken, 'MM_BOT_TOKEN'),
      bot: { id: me.id, username: me.username },
      notifier,
      onMention,
      stepDown: () => election.stepDown(),
    }),
  });
  const election = app.elect({
    name: 'matterops-leader',
    identity: `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`,
    logger,
    onStartedLeading: () => leader.lead(),
    onStoppedLeading: () => void leader.stop(),
  });
  metrics.sample(leaderStatus, () => (election.leading ? 1 : 0));

  let server: Server;
  let metricsServer: Server | undefined;
  try {
    // /metrics on its own address when one is given (a port no webhook proxy exposes).
    if (config.http.metricsListen) metricsServer = await startMetricsServer(metrics, config.http.metricsListen, logger);
    server = await startHttpServer(
      {
        responder,
        identity,
        slashTokens,
        signer: app.changeDeps.signer,
        api,
        notifier,
        logger,
        readiness: {
          cluster: async () => Boolean(await gateway?.serverVersion()),
          mattermost: async () => Boolean((await api.me()).id),
          // Not before the election has spoken (a mention posted then would go unheard); then a
          // follower has no websocket to wait for, and the leader must be connected.
          websocket: () => Promise.resolve(election.settled && (!election.leading || leader.ready)),
        },
        role: () => (election.leading ? 'leader' : 'follower'),
        ...(config.http.metricsListen ? {} : { metrics }),
        ...(app.alertmanager ? { alertmanager: app.alertmanager } : {}),
      },
      host,
      Number(port),
    );
  } catch (error) {
    metricsServer?.close();
    await election.stop(); // no HTTP, no replica: do not go on leading
    throw error;
  }
  const mismatch = listenMismatch(publicUrl, config.http.listen);
  if (mismatch) logger.warn({ listen: config.http.listen, publicUrl }, mismatch);
  if (!config.signingKey) {
    logger.warn(
      {},
      'MATTEROPS_SIGNING_KEY is not set: a random key is used, so waiting plans and buttons die with this process and other replicas cannot confirm them',
    );
  }
  logger.info({ listen: config.http.listen, metricsListen: config.http.metricsListen, publicUrl, bot: me.username }, 'matterops serves Mattermost');
  return {
    url: publicUrl,
    async close() {
      await leader.stop(); // stop listening and save what was handled, before the next leader reads it
      await election.stop(); // then hand the Lease over at once
      await new Promise((resolve) => server.close(resolve));
      metricsServer?.close();
      notifier.close(); // what still waits is logged: the outbox is kept in this process only
    },
  };
}
