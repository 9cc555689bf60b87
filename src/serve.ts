/**
 * `matterops serve`: runs the bot for Mattermost that main.ts wired (`wireBot`): the webhook
 * server (and /metrics), leader election, and the leader manager (src/leader/), whose leader runs
 * the leader runnables (listening for mentions, resuming what a dead matterops left in flight...).
 * It builds no adapter itself.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { startHttpServer } from './adapters/mattermost/webhook/http-server.ts';
import { startMetricsServer } from './adapters/metrics/metrics-server.ts';
import type { WiredBot } from './app.ts';
import { listenMismatch } from './config/public-url-listen.ts';
import { leaderStatus } from './core/metrics-catalog.ts';
import { createLeaderManager } from './leader/leader-manager.ts';

export interface RunningBot {
  url: string;
  close(): Promise<void>;
}

export async function serve(wired: WiredBot): Promise<RunningBot> {
  const { app, http, notifier, publicUrl, listen } = wired;
  const { config, logger, metrics } = app;

  // Every replica answers HTTP; only the leader runs the leader runnables.
  const leader = createLeaderManager({ clock: app.clock, logger, runnables: wired.leaderRunnables(() => election.stepDown()) });
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
    // /metrics on its own address when one is given (the webhook server serves it otherwise).
    if (config.http.metricsListen) metricsServer = await startMetricsServer(metrics, config.http.metricsListen, logger);
    server = await startHttpServer(
      {
        ...http,
        readiness: {
          ...http.readiness,
          // Not before the election has spoken (a mention posted then would go unheard); then a
          // follower has no websocket to wait for, and the leader must be connected.
          websocket: () => Promise.resolve(election.settled && (!election.leading || leader.ready)),
        },
        role: () => (election.leading ? 'leader' : 'follower'),
      },
      listen.host,
      listen.port,
    );
  } catch (error) {
    metricsServer?.close();
    wired.plugin.stop();
    await election.stop(); // no HTTP, no replica: do not go on leading
    await app.stopWatches();
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
  logger.info({ listen: config.http.listen, metricsListen: config.http.metricsListen, publicUrl, bot: wired.bot.username }, 'matterops serves Mattermost');
  return {
    url: publicUrl,
    async close() {
      await leader.stop(); // stop listening and save what was handled, before the next leader reads it
      await election.stop(); // then hand the Lease over at once
      await new Promise((resolve) => server.close(resolve));
      metricsServer?.close();
      wired.plugin.stop();
      // What waits under the per-channel cap goes to the outbox first, at once, so it is sent or
      // logged with the rest: the outbox (and the cap) are kept in this process only.
      wired.incidentPosts?.release();
      notifier.close(); // what still waits is logged
      await app.stopWatches();
    },
  };
}
