/**
 * The engine and the thread keeper on a clock: snapshots in, threads out. It restores what the
 * last leader left open, evaluates after every snapshot and every `tickMs` (a delay or a hold-down
 * runs out with no event), and hands the changes to the keeper in order; with lists, the first
 * look after no leader watched for the baseline gap is a baseline (list-keeper.ts). The watch runnable
 * (src/leader/incident-watch.ts) feeds it; unit tests drive it on the fake clock.
 */
import type { Clock, Timer } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { ListKeeper } from './list-keeper.ts';
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
  /**
   * Baseline and storm posts (list-keeper.ts, the same the keeper takes changes through): told the
   * watch runs at start and every quarter of the baseline gap, and when no leader watched within
   * it, the first look's openings are a baseline. Default none: every opening is a root.
   */
  lists?: { keeper: ListKeeper; baselineGapMs: number; logger: Logger };
}

export class IncidentTracker {
  private readonly d: IncidentTrackerDeps;
  private timer: Timer | undefined;
  private heartbeat: Timer | undefined;
  private last: Promise<void> = Promise.resolve();
  /** Set at start when no leader watched within the baseline gap; the first look uses it up. */
  private baseline = false;

  constructor(deps: IncidentTrackerDeps) {
    this.d = deps;
  }

  /** Takes over the open incidents of the cluster's document, then checks on the clock. */
  async start(): Promise<void> {
    this.d.engine.restore(await this.d.keeper.openIncidents(), this.d.clock.now());
    this.d.openGauge?.show(this.d.engine.openIncidents());
    const lists = this.d.lists;
    if (lists) {
      this.baseline = await lists.keeper.watching();
      // A list the last leader saved but never posted is posted now, not at its next change.
      await lists.keeper
        .resume()
        .catch((e: unknown) => lists.logger.error({ err: (e as Error).message }, 'a saved baseline or storm post could not be posted'));
      const beat = (): void =>
        void lists.keeper.watching().catch((e: unknown) => lists.logger.warn({ err: (e as Error).message }, 'the incident watch could not note that it runs'));
      this.heartbeat = this.d.clock.every(lists.baselineGapMs / 4, beat, { background: true });
    }
    this.timer = this.d.clock.every(this.d.tickMs ?? 5_000, () => this.evaluate(), { background: true });
  }

  /** One installation's current state (after a watch event). */
  observe(snapshot: InstallationSnapshot): void {
    this.observeAll([snapshot]);
  }

  /** The installation and everything of it is gone: its incidents clear. */
  forget(installation: { namespace: string; name: string }): void {
    this.observeAll([], [installation]);
  }

  /**
   * Several installations' states and those gone, judged together: what opens at once is one
   * batch (one baseline post at the first look, one storm post for a burst).
   */
  observeAll(snapshots: readonly InstallationSnapshot[], gone: readonly { namespace: string; name: string }[] = []): void {
    const now = this.d.clock.now();
    for (const snapshot of snapshots) this.d.engine.observeSnapshot(snapshot, now);
    for (const installation of gone) this.d.engine.observe(installation, [], now);
    const baseline = this.baseline;
    this.baseline = false;
    this.evaluate(baseline);
  }

  /** Resolves once every change so far is saved and queued for posting. */
  settled(): Promise<void> {
    return this.last;
  }

  stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    this.heartbeat?.cancel();
    this.heartbeat = undefined;
    this.d.openGauge?.withdraw();
    this.d.keeper.stop(); // a batch waiting for the store is given up: the next term judges afresh
    return this.last;
  }

  /** `baseline`: the first look after a gap, whose openings were there before anyone watched. */
  private evaluate(baseline = false): void {
    const found = this.d.engine.evaluate(this.d.clock.now());
    if (!found.length) return;
    const changes = baseline ? found.map((c) => (c.kind === 'opened' ? { ...c, baseline: true } : c)) : found;
    this.d.openGauge?.show(this.d.engine.openIncidents());
    this.last = this.d.keeper.apply(changes);
  }
}
