/**
 * The incident engine (issue 12): findings over time become incident changes. A finding opens an
 * incident once it has lasted its rule's delay (from `since` when the objects tell it, else from
 * when the engine first saw it); an incident changes when its notified state does; it resolves
 * once its finding has been gone for the hold-down, so a flapping pod keeps one thread; a relapse
 * within the cool-down reopens it. Pure and synchronous: the caller feeds snapshots' findings and
 * asks `evaluate(now)` on every change and on a timer (delays pass with no event).
 */
import { findingKey, type Finding } from './finding.ts';
import type { IncidentChange } from './incident-change.ts';
import { notifiedState, type Incident } from './incident.ts';
import { findingsOf } from './rules/index.ts';
import { installationKey, type InstallationSnapshot } from './snapshot.ts';
import type { Thresholds } from './thresholds.ts';

interface Tracked {
  installation: { namespace: string; name: string };
  finding: Finding;
  firstSeen: Date;
  /** Found in the installation's latest findings. */
  present: boolean;
  clearSince?: Date | undefined;
  /** pending: found, not yet for its delay; open; resolved: kept for the cool-down. */
  status: 'pending' | 'open' | 'resolved';
  incident?: Incident | undefined;
  notified?: string | undefined;
  /** The finding was observed again since `incident` was built from it: an open incident's state may have changed. */
  fresh?: boolean;
  /**
   * Before this time (ms) a judgement with no observe in between changes nothing of it (quietUntil):
   * 0 once observed. Most of what is tracked waits out a delay, a hold-down or the cool-down.
   */
  due: number;
}

function incidentOf(t: Tracked, since: Date): Incident {
  const f = t.finding;
  return {
    key: findingKey(f, t.installation),
    source: 'rules',
    installation: t.installation,
    rule: f.rule,
    severity: f.severity,
    title: f.title,
    since,
    affected: f.affected,
    evidence: f.evidence,
    state: 'open',
  };
}

export class IncidentEngine {
  private readonly tracked = new Map<string, Tracked>();
  /** Keys by installation, so a new snapshot clears what it no longer finds. */
  private readonly byInstallation = new Map<string, Set<string>>();
  /** What is open, by key: the gauge asks at every judgement with a change, and few of the tracked are open. */
  private readonly open = new Map<string, Tracked>();
  private readonly thresholds: Thresholds;

  constructor(thresholds: Thresholds) {
    this.thresholds = thresholds;
  }

  /** Runs every rule on the snapshot and takes its findings as the installation's current ones. */
  observeSnapshot(s: InstallationSnapshot, now: Date): void {
    this.observe(s, findingsOf(s, now, this.thresholds), now);
  }

  /** The installation's current findings: keys it had and lacks now count as clear from `now`. */
  observe(installation: { namespace: string; name: string }, findings: readonly Finding[], now: Date): void {
    const id = installationKey(installation);
    const keys = new Set<string>();
    for (const finding of findings) {
      const key = findingKey(finding, installation);
      keys.add(key);
      const known = this.tracked.get(key);
      if (known) {
        known.finding = finding;
        known.fresh = true;
        known.present = true;
        known.clearSince = undefined;
        known.due = 0;
      } else
        this.tracked.set(key, {
          installation: { namespace: installation.namespace, name: installation.name },
          finding,
          firstSeen: now,
          present: true,
          status: 'pending',
          due: 0,
        });
    }
    const known = this.byInstallation.get(id);
    for (const key of known ?? []) {
      const t = this.tracked.get(key);
      if (!keys.has(key) && t?.present) {
        t.present = false;
        t.clearSince = now;
        t.due = 0;
      }
    }
    if (!known) this.byInstallation.set(id, keys);
    else for (const key of keys) known.add(key);
  }

  /**
   * Incidents a previous leader left open (the thread keeper's document): tracked as open and
   * present, so they resolve after the hold-down unless the first snapshots still find them.
   */
  restore(open: readonly Incident[], now: Date): void {
    for (const incident of open) {
      // The threads document holds Alertmanager's groups too: those are resolved by Alertmanager, never by the rules.
      if (incident.source !== 'rules' || !incident.installation || this.tracked.has(incident.key)) continue;
      const finding: Finding = {
        rule: incident.rule,
        part: '',
        severity: incident.severity,
        title: incident.title,
        since: incident.since,
        openAfterMs: 0,
        affected: incident.affected,
        evidence: incident.evidence,
      };
      this.tracked.set(incident.key, {
        installation: incident.installation,
        finding,
        firstSeen: incident.since,
        present: false,
        clearSince: now,
        status: 'open',
        incident,
        notified: notifiedState(incident),
        due: 0,
      });
      this.open.set(incident.key, this.tracked.get(incident.key)!);
      const id = installationKey(incident.installation);
      const known = this.byInstallation.get(id);
      if (known) known.add(incident.key);
      else this.byInstallation.set(id, new Set([incident.key]));
    }
  }

  /**
   * What changed by `now`, in key order; call it after every observe and on a timer. Each tracked
   * finding steps on its own, so only the few changes are sorted, not everything tracked at every
   * judgement (the incident bench: sorting all keys was 7% of the leader's work, BENCHMARKS.md).
   * One neither observed since nor due yet is passed over with one comparison: stepping every
   * resolved incident kept for the cool-down, and copying the map to do it, was most of the
   * engine's time (BENCHMARKS.md, Incidents (a), step 7).
   */
  evaluate(now: Date): IncidentChange[] {
    const changes: [string, IncidentChange][] = [];
    const at = now.getTime();
    // Deleting the entry being visited is safe in a Map's iteration.
    for (const [key, t] of this.tracked) {
      if (at < t.due) continue;
      const change = this.step(t, now);
      if (change) changes.push([key, change]);
      if (this.expired(t, now)) this.drop(key, t);
      else t.due = this.quietUntil(t);
    }
    return changes.sort(([a], [b]) => a.localeCompare(b)).map(([, change]) => change);
  }

  /** Open incidents right now, in no particular order (for the open incidents' gauge, or a test). */
  openIncidents(): Incident[] {
    return [...this.open.values()].map((t) => t.incident!);
  }

  private step(t: Tracked, now: Date): IncidentChange | undefined {
    if (t.status === 'open') return t.present ? this.update(t) : this.resolveIfHeld(t, now);
    if (!t.present) return undefined;
    const onset = t.finding.since ?? t.firstSeen;
    if (now.getTime() - onset.getTime() < t.finding.openAfterMs) return undefined;
    const reopened = t.status === 'resolved';
    t.status = 'open';
    t.incident = incidentOf(t, reopened && t.incident ? t.incident.since : onset);
    this.open.set(t.incident.key, t);
    t.notified = notifiedState(t.incident);
    t.fresh = false;
    return { kind: reopened ? 'reopened' : 'opened', incident: t.incident };
  }

  /**
   * An open incident's finding, observed again: built anew (its evidence kept current) and a change
   * when its notified state moved. One not observed since is as it was: not built again at every
   * judgement (the incident bench, BENCHMARKS.md).
   */
  private update(t: Tracked): IncidentChange | undefined {
    if (!t.fresh && t.incident) return undefined;
    t.fresh = false;
    const incident = incidentOf(t, t.incident?.since ?? t.firstSeen);
    t.incident = incident;
    const state = notifiedState(incident);
    if (state === t.notified) return undefined;
    t.notified = state;
    return { kind: 'updated', incident };
  }

  private resolveIfHeld(t: Tracked, now: Date): IncidentChange | undefined {
    if (!t.clearSince || now.getTime() - t.clearSince.getTime() < this.thresholds.holdDownMs || !t.incident) return undefined;
    t.status = 'resolved';
    this.open.delete(t.incident.key);
    // Resolved when it was last seen, not when the hold-down ran out: "resolved after" tells how long it lasted.
    t.incident = { ...t.incident, state: 'resolved', resolvedAt: t.clearSince };
    t.notified = notifiedState(t.incident);
    return { kind: 'resolved', incident: t.incident };
  }

  /** Pending and gone for the hold-down (a crash loop's short runs keep it), or resolved longer than the cool-down. */
  private expired(t: Tracked, now: Date): boolean {
    if (t.status === 'pending') return !t.present && now.getTime() - (t.clearSince?.getTime() ?? 0) >= this.thresholds.holdDownMs;
    if (t.status !== 'resolved' || t.present) return false;
    return now.getTime() - (t.incident?.resolvedAt?.getTime() ?? 0) >= this.thresholds.coolDownMs;
  }

  /**
   * When step or expired can next do anything for `t` if nothing observes it: each of their tests
   * is `now - x >= y`, so it holds from x + y on (and never while a clock stands before it).
   */
  private quietUntil(t: Tracked): number {
    // Open and present: only an observation (which sets due to 0) changes it; gone: it resolves after the hold-down.
    if (t.status === 'open') return t.present || !t.clearSince ? Infinity : t.clearSince.getTime() + this.thresholds.holdDownMs;
    if (t.present) return (t.finding.since ?? t.firstSeen).getTime() + t.finding.openAfterMs;
    if (t.status === 'pending') return (t.clearSince?.getTime() ?? 0) + this.thresholds.holdDownMs;
    return (t.incident?.resolvedAt?.getTime() ?? 0) + this.thresholds.coolDownMs;
  }

  private drop(key: string, t: Tracked): void {
    this.tracked.delete(key);
    this.open.delete(key);
    this.byInstallation.get(installationKey(t.installation))?.delete(key);
  }
}
