/**
 * The leader's half of the Alertmanager groups: it reads the groups every replica saved
 * (alert-groups-document.ts) and hands each one whose state it has not handed yet to the thread
 * keeper, at once when told (a delivery to this replica) and every `pollMs` (a delivery to a
 * follower). A new leader hands every group once: the keeper compares each with the thread it
 * keeps and posts only what is new, so nothing is posted twice and nothing delivered is lost.
 */
import type { Clock, Timer } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { StateStore } from '../../ports/state-store.ts';
import { notifiedState } from '../incident.ts';
import type { OpenIncidentsGauge } from '../open-incidents-gauge.ts';
import type { ThreadKeeper } from '../thread-keeper.ts';
import { alertGroupsDocument, changeOf } from './alert-groups-document.ts';

export interface AlertThreadsDeps {
  store: StateStore;
  keeper: ThreadKeeper;
  clock: Clock;
  logger: Logger;
  /** How often the groups are read for deliveries to other replicas (2 s). */
  pollMs?: number;
  /** Shown the open groups at every look (the incidents-open metric); default none. */
  openGauge?: OpenIncidentsGauge;
}

export class AlertThreads {
  private readonly d: AlertThreadsDeps;
  /** The notified state handed to the keeper, per group key. */
  private readonly handed = new Map<string, string>();
  private timer: Timer | undefined;
  private running: Promise<void> = Promise.resolve();
  private again = false;
  private busy = false;

  constructor(deps: AlertThreadsDeps) {
    this.d = deps;
  }

  start(): void {
    this.timer = this.d.clock.every(this.d.pollMs ?? 2_000, () => this.nudge(), { background: true });
    this.nudge();
  }

  /** Looks at the groups now (once more after the look in progress, if any). */
  nudge(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.running = this.look()
      .catch((e: unknown) => this.d.logger.warn({ err: (e as Error).message }, 'the Alertmanager groups could not be read'))
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** Resolves once the looks asked for so far are done and their changes saved and queued for posting. */
  async settled(): Promise<void> {
    while (this.busy) await this.running;
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    await this.settled();
    this.d.openGauge?.withdraw();
  }

  private async look(): Promise<void> {
    const { value } = await this.d.store.read(alertGroupsDocument);
    // The document every look reads already: counting its open groups costs a scrape nothing.
    this.d.openGauge?.show(value.groups.filter((e) => e.incident.state === 'open').map((e) => e.incident));
    const fresh = value.groups.filter((e) => this.handed.get(e.key) !== notifiedState(e.incident));
    const keys = new Set(value.groups.map((e) => e.key));
    for (const key of this.handed.keys()) if (!keys.has(key)) this.handed.delete(key);
    if (!fresh.length) return;
    await this.d.keeper.apply(fresh.map(changeOf));
    for (const e of fresh) this.handed.set(e.key, notifiedState(e.incident));
  }
}
