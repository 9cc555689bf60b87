/**
 * The leader's Alertmanager duty (docs/incidents.md): while leading, the groups every replica saved
 * become incident threads (core/incidents/alertmanager/alert-threads.ts) through the same thread
 * keeper as the watched incidents, and a new thread about an installation gets its status as the
 * first reply. `nudge` is what the webhook calls after saving a delivery: on the leader it posts at
 * once, on a follower it does nothing and the leader finds the delivery at its next look.
 */
import { AlertThreads } from '../core/incidents/alertmanager/alert-threads.ts';
import type { ChangeNote } from '../core/incidents/change-note.ts';
import type { Incident } from '../core/incidents/incident.ts';
import { ThreadKeeper } from '../core/incidents/thread-keeper.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Metrics } from '../core/ports/metrics.ts';
import { alertmanagerRule } from '../core/incidents/alertmanager/group-incident.ts';
import { OpenIncidentsGauge } from '../core/incidents/open-incidents-gauge.ts';
import type { Notifier, PostAddress } from '../core/ports/notifier.ts';
import type { StateStore } from '../core/ports/state-store.ts';
import type { Reply } from '../core/reply.ts';
import type { LeaderContext } from './leader-context.ts';
import { aborted, type Runnable } from './runnable.ts';

export interface AlertThreadsDutyDeps {
  store: StateStore;
  clock: Clock;
  logger: Logger;
  /** Where the open Alertmanager groups are shown (rule `alertmanager`) while this replica leads. */
  metrics: Metrics;
  coolDownMs: number;
  /** The channel a group goes to, given the chat side: its routing label's, else the default routing. */
  route: (chat: LeaderContext) => (incident: Incident) => Promise<string | undefined>;
  /** An installation's status now (the status verb's reply). */
  statusOf: (installation: { namespace: string; name: string }) => Promise<Reply>;
  /** The change-aware note of a root about an installation (core/incidents/change-note.ts); default none. */
  note?: ChangeNote;
}

export interface AlertThreadsDuty {
  nudge(): void;
  runnable(chat: LeaderContext): Runnable;
}

/** The installation's status as the thread's first reply; a status that cannot be read is only logged. */
function postStatus(d: AlertThreadsDutyDeps, notifier: Notifier, incident: Incident, thread: PostAddress): void {
  if (!incident.installation) return;
  d.statusOf(incident.installation).then(
    (status) => void notifier.post(thread, status),
    (e: unknown) => d.logger.warn({ incident: incident.key, err: (e as Error).message }, 'the status of an alerted installation could not be read'),
  );
}

export function alertThreadsDuty(d: AlertThreadsDutyDeps): AlertThreadsDuty {
  let current: AlertThreads | undefined;
  return {
    nudge: () => current?.nudge(),
    runnable: (chat) => ({
      name: 'alert-threads',
      async start(signal) {
        const keeper = new ThreadKeeper({
          notifier: chat.notifier,
          store: d.store,
          clock: d.clock,
          logger: d.logger,
          route: d.route(chat),
          coolDownMs: d.coolDownMs,
          onOpened: (incident, thread) => postStatus(d, chat.notifier, incident, thread),
          ...(d.note ? { note: d.note } : {}),
        });
        const openGauge = new OpenIncidentsGauge(d.metrics, [alertmanagerRule]);
        const threads = new AlertThreads({ store: d.store, keeper, clock: d.clock, logger: d.logger, openGauge });
        current = threads;
        threads.start();
        await aborted(signal);
        if (current === threads) current = undefined;
        keeper.stop(); // a batch waiting for the store is given up: the next term reads the groups afresh
        await threads.stop();
      },
    }),
  };
}
