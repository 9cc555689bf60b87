/**
 * What only the leading `serve` replica does: listen for mentions and DMs on the websocket (two
 * listeners would answer each mention twice) and resume changes a dead replica left in flight.
 * `start` runs when this replica becomes leader, `stop` when it stops (or shuts down).
 *
 * A term counts leaderships, so one that ended while its listener was still starting does not
 * start listening late. A new term waits until the previous one has saved what it handled, then
 * loads what the previous leader saved, so no post is answered twice across a hand-over.
 *
 * A leader whose websocket stays down for longer than its Lease is deaf: it asks to step down
 * (`stepDown`), so a replica that can hear takes over the mentions.
 */
import { ChatState } from './adapters/mattermost/chat-state.ts';
import type { MattermostApi } from './adapters/mattermost/mattermost-api.ts';
import { startMentionListener, type Mention, type MentionListener } from './adapters/mattermost/mention-listener.ts';
import { watchConnection } from './connection-watchdog.ts';
import { resumeEveryCluster } from './core/change/resume.ts';
import { existingPost, type Notifier } from './core/ports/notifier.ts';
import type { StateStore } from './core/ports/state-store.ts';
import type { App } from './main.ts';
import { resumeTargets } from './resume-targets.ts';

export interface LeaderDutiesOptions {
  app: App;
  api: MattermostApi;
  botToken: string;
  bot: { id: string; username: string };
  chatState: StateStore;
  notifier: Notifier;
  onMention: (m: Mention) => void;
  /** Whether this replica still leads (a failed start is retried only while it does). */
  isLeading: () => boolean;
  /** Gives leadership up for a while (leader-election's stepDown): this leader cannot hear mentions. */
  stepDown: () => Promise<void>;
}

export interface LeaderDuties {
  start(): void;
  /** Resolves when the handled posts are saved. */
  stop(): Promise<void>;
  /** Whether the mention listener is connected (false when not listening). */
  readonly connected: boolean;
}

export function createLeaderDuties(o: LeaderDutiesOptions): LeaderDuties {
  const { logger, config } = o.app;
  let mentions: { listener: MentionListener; state: ChatState } | undefined;
  let term = 0;
  let stopping: Promise<void> = Promise.resolve();
  let orphanSweep: NodeJS.Timeout | undefined;
  let deafness: { stop(): void } | undefined;
  let resuming = false;

  const resumeOrphans = (waitMs: number): void => {
    if (resuming) return;
    resuming = true;
    resumeLeftovers(o.app, o.notifier, waitMs)
      .catch((e: unknown) => logger.error({ err: (e as Error).message }, 'resuming in-flight changes failed'))
      .finally(() => { resuming = false; });
  };

  const lead = async (): Promise<void> => {
    const mine = ++term;
    await stopping; // this replica's previous term has saved what it handled
    const state = await ChatState.load(o.chatState, { logger }); // and so has the previous leader
    if (mine !== term) return;
    const listener = startMentionListener({ api: o.api, token: o.botToken, bot: o.bot, state, logger, onMention: o.onMention });
    mentions = { listener, state };
    deafness = watchConnection({ connected: () => listener.connected, limitMs: config.leaderSeconds * 1000, onDown: () => {
      logger.warn({ downForSeconds: config.leaderSeconds }, 'the websocket stayed down longer than the leader Lease: stepping down so another replica hears mentions');
      o.stepDown().catch((e: unknown) => logger.error({ err: (e as Error).message }, 'stepping down failed'));
    } });
    // Posts made while no matterops was listening are read back by the listener itself, once its
    // websocket stands (so none falls between); slash commands are served meanwhile.
    // Changes a dead replica left in flight: at first waiting for their locks to expire, then
    // every two lock durations those already expired (a follower may die at any time).
    resumeOrphans(config.changes.lockSeconds * 1000 + 2_000);
    orphanSweep = setInterval(() => resumeOrphans(0), config.changes.lockSeconds * 2_000);
    orphanSweep.unref();
  };

  // A leader that could not start listening must not sit on the Lease deaf: it tries again.
  const start = (): void => {
    lead().catch((e: unknown) => {
      logger.error({ err: (e as Error).message }, 'starting to listen for mentions failed; trying again in 5 s');
      const failed = term;
      setTimeout(() => { if (o.isLeading() && term === failed && !mentions) start(); }, 5_000).unref();
    });
  };

  return {
    start,
    stop() {
      term++;
      clearInterval(orphanSweep);
      deafness?.stop();
      const ended = mentions;
      mentions = undefined;
      if (ended) {
        ended.listener.close();
        stopping = ended.state.close(); // saved, or given up after a few tries (logged)
      }
      return stopping;
    },
    get connected() { return mentions?.listener.connected ?? false; },
  };
}

/** Reports the outcome of changes a dead matterops left in flight, on every cluster, where they were asked for. */
async function resumeLeftovers(app: App, notifier: Notifier, waitMs: number): Promise<void> {
  const { reports } = await resumeEveryCluster(app.changeDeps, resumeTargets(app.clusters, waitMs), () => undefined);
  await Promise.all(reports.map(async (r) => {
    const [channelId, rootId] = (r.record.replyTo ?? '').split(':');
    // Through the outbox, which logs a report it has to give up.
    if (channelId) await notifier.post({ channel: channelId, ...(rootId ? { thread: existingPost(channelId, rootId) } : {}) }, r.reply).delivery;
  }));
}
