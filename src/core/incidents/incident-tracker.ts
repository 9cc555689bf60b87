/**
 * The engine and the thread keeper on a clock: snapshots in, threads out. It restores what the
 * last leader left open, evaluates after every snapshot and every `tickMs` (a delay or a hold-down
 * runs out with no event), and hands the changes to the keeper in order. The watch runnable
 * (src/leader/incident-watch.ts) feeds it; unit tests drive it on the fake clock.
 */
import type { Clock, Timer } from '../ports/clock.ts';
import type { IncidentEngine } from './engine.ts';
import type { OpenIncidentsGauge } from './open-incidents-gauge.ts';
import type { InstallationSnapshot } from './snapshot.ts';
import type { ThreadKeeper } from './thread-keeper.ts';

export interface IncidentTrackerDeps {
  engine: IncidentEngine;
  keeper: ThreadKeeper;
  clock: Clock;
  /** How often delays and hold-downs are checked with no new snapshot (5 s). */
  tickMs?: number;
  /** Shown the engine's open incidents after every change (the incidents-open metric); default none. */
  openGauge?: OpenIncidentsGauge;
}

export class IncidentTracker {
  private readonly d: IncidentTrackerDeps;
  private timer: Timer | undefined;
  private last: Promise<void> = Promise.resolve();

  constructor(deps: IncidentTrackerDeps) {
    this.d = deps;
  }

  /** Takes over the open incidents of the cluster's document, then checks on the clock. */
  async start(): Promise<void> {
    this.d.engine.restore(await this.d.keeper.openIncidents(), this.d.clock.now());
    this.d.openGauge?.show(this.d.engine.openIncidents());
    this.timer = this.d.clock.every(this.d.tickMs ?? 5_000, () => this.evaluate(), { background: true });
  }

  /** One installation's current state (after a watch event). */
  observe(snapshot: InstallationSnapshot): void {
    this.d.engine.observeSnapshot(snapshot, this.d.clock.now());
    this.evaluate();
  }

  /** The installation and everything of it is gone: its incidents clear. */
  forget(installation: { namespace: string; name: string }): void {
    this.d.engine.observe(installation, [], this.d.clock.now());
    this.evaluate();
  }

  /** Resolves once every change so far is saved and queued for posting. */
  settled(): Promise<void> {
    return this.last;
  }

  stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    this.d.openGauge?.withdraw();
    return this.last;
  }

  private evaluate(): void {
    const changes = this.d.engine.evaluate(this.d.clock.now());
    if (!changes.length) return;
    this.d.openGauge?.show(this.d.engine.openIncidents());
    this.last = this.d.keeper.apply(changes);
  }
}
