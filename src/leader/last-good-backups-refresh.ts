/**
 * The leader's slow refresh of the last good backup time per installation (core/last-good-backups.ts):
 * at once when it starts leading, then every `everyMs` (5 min in serve), every installation of the
 * default cluster, one store listing each. Slow on purpose: a backup that succeeds shows at once
 * on the replica that ran it; this catches the rest (backups another replica or a previous leader
 * ran, installations made or deleted) without any work per scrape. Stopping withdraws the series,
 * so a follower exports none of its own refreshes.
 */
import type { LastGoodBackups } from '../core/last-good-backups.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import { aborted, type Runnable } from './runnable.ts';

export interface LastGoodBackupsRefreshDeps {
  lastGood: LastGoodBackups;
  /** The installations there are now (the bot's view of its default cluster). */
  installations: () => Promise<{ namespace: string; name: string }[]>;
  clock: Clock;
  logger: Logger;
  everyMs: number;
}

export function lastGoodBackupsRefresh(d: LastGoodBackupsRefreshDeps): Runnable {
  return {
    name: 'last good backups',
    async start(signal) {
      let running: Promise<void> = Promise.resolve();
      let busy = false;
      const refresh = (): void => {
        if (busy) return; // a slow store: the next tick comes soon enough
        busy = true;
        running = d
          .installations()
          .then((list) => d.lastGood.refreshAll(list))
          .then((failed) => {
            if (failed.length)
              d.logger.warn({ installations: failed.map((i) => `${i.namespace}/${i.name}`) }, 'the backup store did not answer for some installations');
          })
          .catch((e: unknown) => d.logger.warn({ err: (e as Error).message }, 'the installations could not be listed for the last good backups'))
          .finally(() => {
            busy = false;
          });
      };
      refresh();
      const timer = d.clock.every(d.everyMs, refresh, { background: true });
      await aborted(signal);
      timer.cancel();
      await running;
      d.lastGood.withdraw();
    },
  };
}
