/** The engine over time: delays, hold-down, flapping, updates only on a state change, relapse and cool-down, restore. */
import { describe, expect, it } from 'vitest';
import { IncidentEngine } from '../../../src/core/incidents/engine.ts';
import type { IncidentChange } from '../../../src/core/incidents/incident-change.ts';
import { defaultThresholds } from '../../../src/core/incidents/thresholds.ts';
import { at, crashLooping, healthyPod, installation } from './snapshots.ts';

const kinds = (changes: IncidentChange[]): string[] => changes.map((c) => `${c.kind} ${c.incident.key}`);

describe('incident engine', () => {
  const key = 'crash-loop:chat/mattermost:mattermost';

  it('opens after the rule delay, not before', () => {
    const engine = new IncidentEngine(defaultThresholds);
    engine.observeSnapshot(installation([crashLooping('mm-a', 1), healthyPod('mm-b')]), at(0));
    expect(engine.evaluate(at(0))).toEqual([]);
    expect(engine.evaluate(at(299))).toEqual([]);
    const opened = engine.evaluate(at(300));
    expect(kinds(opened)).toEqual([`opened ${key}`]);
    expect(opened[0]?.incident.since).toEqual(at(0));
  });

  it('resolves only after the hold-down; a flap inside it keeps the incident open with no post', () => {
    const engine = new IncidentEngine(defaultThresholds);
    engine.observeSnapshot(installation([crashLooping('mm-a')]), at(0));
    expect(kinds(engine.evaluate(at(0)))).toEqual([`opened ${key}`]);
    engine.observeSnapshot(installation([healthyPod('mm-a')]), at(10));
    expect(engine.evaluate(at(39))).toEqual([]);
    engine.observeSnapshot(installation([crashLooping('mm-a')]), at(39));
    expect(engine.evaluate(at(80))).toEqual([]);
    engine.observeSnapshot(installation([healthyPod('mm-a')]), at(100));
    expect(engine.evaluate(at(129))).toEqual([]);
    const resolved = engine.evaluate(at(130));
    expect(kinds(resolved)).toEqual([`resolved ${key}`]);
    expect(resolved[0]?.incident).toMatchObject({ state: 'resolved', resolvedAt: at(100), since: at(0) });
  });

  it('builds an open incident again only when its finding was observed again, with the evidence it now has', () => {
    const engine = new IncidentEngine(defaultThresholds);
    engine.observeSnapshot(installation([crashLooping('mm-a', 5)]), at(0));
    engine.evaluate(at(0));
    const [opened] = engine.openIncidents();
    // Judgements with nothing observed (other installations' events, the 5 s tick) leave it as it was.
    for (let s = 1; s < 20; s++) expect(engine.evaluate(at(s))).toEqual([]);
    expect(engine.openIncidents()[0]).toBe(opened);
    engine.observeSnapshot(installation([crashLooping('mm-a', 9)]), at(20));
    expect(engine.evaluate(at(20))).toEqual([]); // more restarts: no update to post
    const [again] = engine.openIncidents();
    expect(again).not.toBe(opened);
    expect(again?.evidence.facts).toContainEqual({ label: 'restarts', value: '9' });
    expect(again?.since).toEqual(at(0));
  });

  it('updates only when the notified state changes (a new pod affected), not on every snapshot', () => {
    const engine = new IncidentEngine(defaultThresholds);
    engine.observeSnapshot(installation([crashLooping('mm-a'), healthyPod('mm-b')]), at(0));
    engine.evaluate(at(0));
    engine.observeSnapshot(installation([crashLooping('mm-a', 7), healthyPod('mm-b')]), at(20));
    expect(engine.evaluate(at(20))).toEqual([]);
    engine.observeSnapshot(installation([crashLooping('mm-a', 8), crashLooping('mm-b')]), at(40));
    const updated = engine.evaluate(at(40));
    expect(kinds(updated)).toEqual([`updated ${key}`]);
    expect(updated[0]?.incident).toMatchObject({ title: 'container mattermost is crash-looping (2 pods)', affected: ['mm-a', 'mm-b'], since: at(0) });
  });

  it('a relapse within the cool-down reopens the same incident; after it, a new one opens', () => {
    const engine = new IncidentEngine(defaultThresholds);
    engine.observeSnapshot(installation([crashLooping('mm-a')]), at(0));
    engine.evaluate(at(0));
    engine.observeSnapshot(installation([healthyPod('mm-a')]), at(60));
    expect(kinds(engine.evaluate(at(90)))).toEqual([`resolved ${key}`]);
    engine.observeSnapshot(installation([crashLooping('mm-a')]), at(600));
    const reopened = engine.evaluate(at(600));
    expect(kinds(reopened)).toEqual([`reopened ${key}`]);
    expect(reopened[0]?.incident.since).toEqual(at(0));
    engine.observeSnapshot(installation([healthyPod('mm-a')]), at(700));
    expect(kinds(engine.evaluate(at(730)))).toEqual([`resolved ${key}`]);
    expect(engine.evaluate(at(700 + 31 * 60))).toEqual([]); // the cool-down ran out: forgotten
    engine.observeSnapshot(installation([crashLooping('mm-a')]), at(4000));
    expect(kinds(engine.evaluate(at(4000)))).toEqual([`opened ${key}`]);
  });

  it('a pending finding that flickers within the hold-down keeps counting from when it was first seen', () => {
    const engine = new IncidentEngine(defaultThresholds);
    engine.observeSnapshot(installation([crashLooping('mm-a', 1)]), at(0));
    engine.observeSnapshot(installation([healthyPod('mm-a')]), at(100));
    engine.evaluate(at(110));
    engine.observeSnapshot(installation([crashLooping('mm-a', 1)]), at(120));
    expect(kinds(engine.evaluate(at(300)))).toEqual([`opened ${key}`]);
  });

  it('restored incidents stay open with no post while still found, and resolve after the hold-down when not', () => {
    const first = new IncidentEngine(defaultThresholds);
    first.observeSnapshot(installation([crashLooping('mm-a')], { namespace: 'chat' }), at(0));
    first.observeSnapshot(installation([crashLooping('st-a')], { namespace: 'staging', name: 'mattermost-staging' }), at(0));
    const open = first.evaluate(at(0)).map((c) => c.incident);
    const next = new IncidentEngine(defaultThresholds);
    next.restore(open, at(500));
    next.observeSnapshot(installation([crashLooping('mm-a')]), at(501));
    expect(next.evaluate(at(501))).toEqual([]);
    expect(kinds(next.evaluate(at(530)))).toEqual(['resolved crash-loop:staging/mattermost-staging:mattermost']);
  });

  it('an installation whose findings all clear resolves each of its incidents', () => {
    const engine = new IncidentEngine(defaultThresholds);
    const unplaced = healthyPod('mm-b', {
      phase: 'Pending',
      scheduled: { status: 'False', message: '0/3 nodes are available', since: at(-600) },
      ready: { status: 'False', since: at(-600) },
    });
    engine.observeSnapshot(installation([crashLooping('mm-a'), unplaced]), at(0));
    expect(kinds(engine.evaluate(at(0)))).toEqual([`opened ${key}`, 'opened pods-not-ready:chat/mattermost']);
    engine.observe({ namespace: 'chat', name: 'mattermost' }, [], at(5));
    expect(kinds(engine.evaluate(at(35)))).toEqual([`resolved ${key}`, 'resolved pods-not-ready:chat/mattermost']);
  });
  it('judged every second with nothing observed between, each delay, hold-down and cool-down ends at its very second', () => {
    // The engine passes over what waits until its due time (engine.ts quietUntil): a due time a
    // second late or early moves one of these lines.
    const engine = new IncidentEngine(defaultThresholds);
    const a = { namespace: 'chat' };
    const b = { namespace: 'staging', name: 'mattermost-staging' };
    const c = { namespace: 'tests', name: 'mattermost-tests' };
    const observed = new Map<number, ReturnType<typeof installation>[]>([
      [0, [installation([crashLooping('mm-a', 1)], a), installation([crashLooping('st-a')], b), installation([crashLooping('te-a', 1)], c)]],
      [100, [installation([healthyPod('st-a')], b), installation([healthyPod('te-a')], c)]],
      [130, [installation([crashLooping('te-a', 1)], c)]], // the pending one was forgotten at 130: counts anew
      [400, [installation([healthyPod('mm-a')], a)]],
      [1900, [installation([crashLooping('st-a')], b)]], // resolved at 100: the cool-down ran out at 1900
      [2199, [installation([crashLooping('mm-a')], a)]], // resolved at 400: one second inside the cool-down
    ]);
    const seen: string[] = [];
    const judge = (s: number): void => {
      for (const change of engine.evaluate(at(s))) seen.push(`${s} ${change.kind} ${change.incident.key}`);
    };
    const openAt = new Map<number, string[]>();
    for (let s = 0; s <= 2300; s++) {
      judge(s);
      if (s % 100 === 50)
        openAt.set(
          s,
          engine
            .openIncidents()
            .map((i) => i.installation!.namespace)
            .sort(),
        );
      const snapshots = observed.get(s);
      if (!snapshots) continue;
      for (const snapshot of snapshots) engine.observeSnapshot(snapshot, at(s));
      judge(s);
    }
    expect(seen).toEqual([
      '0 opened crash-loop:staging/mattermost-staging:mattermost',
      '130 resolved crash-loop:staging/mattermost-staging:mattermost',
      '300 opened crash-loop:chat/mattermost:mattermost',
      '430 resolved crash-loop:chat/mattermost:mattermost',
      '430 opened crash-loop:tests/mattermost-tests:mattermost',
      '1900 opened crash-loop:staging/mattermost-staging:mattermost',
      '2199 reopened crash-loop:chat/mattermost:mattermost',
    ]);
    expect(Object.fromEntries([50, 350, 450, 1950, 2250].map((s) => [s, openAt.get(s)]))).toEqual({
      50: ['staging'],
      350: ['chat'],
      450: ['tests'],
      1950: ['staging', 'tests'],
      2250: ['chat', 'staging', 'tests'],
    });
    expect(
      engine
        .openIncidents()
        .map((i) => i.key)
        .sort(),
    ).toEqual(['crash-loop:chat/mattermost:mattermost', 'crash-loop:staging/mattermost-staging:mattermost', 'crash-loop:tests/mattermost-tests:mattermost']);
  });
});
