/**
 * The incident watch on the fake apiserver, notifier, state store and clock: a crash loop written
 * as the kubelet would opens one root with the pod's warning events, recovery resolves it in the
 * thread, and a new leader that finds the incident cleared while it was away resolves it too; the
 * open incidents by rule are on the metrics while it leads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../../src/core/incidents/thresholds.ts';
import { kinds } from '../../../src/core/model/resource.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { incidentWatch } from '../../../src/leader/incident-watch.ts';
import { incidentsOpen } from '../../../src/core/metrics-catalog.ts';
import { ruleNames } from '../../../src/core/incidents/rules/index.ts';
import { LastGoodBackups } from '../../../src/core/last-good-backups.ts';
import { FakeBackupStore } from '../../fakes/fake-backup-store.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeClusterWatch, type FakeObject } from '../../fakes/fake-cluster-watch.ts';
import { FakeMetrics } from '../../fakes/fake-metrics.ts';
import { FakeNotifier, textOf } from '../../fakes/fake-notifier.ts';
import { FakeStateBackend, FakeStateStore } from '../../fakes/fake-state-store.ts';
import { crashLoopingPod, mattermostCr, runningPod, warningEvent } from '../incidents/objects.ts';

const t0 = new Date('2026-11-27T09:00:00Z');
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function leader(
  cluster: FakeClusterWatch,
  clock: FakeClock,
  notifier: FakeNotifier,
  backend: FakeStateBackend,
  metrics: FakeMetrics = new FakeMetrics(),
  lastGoodBackups?: LastGoodBackups,
): () => Promise<void> {
  return lead(
    incidentWatch({
      watch: cluster,
      store: new FakeStateStore(backend),
      notifier,
      thresholds: defaultThresholds,
      defaultChannel: 'incidents',
      namespaces: undefined,
      clock,
      logger: silentLogger,
      metrics,
      lastGoodBackups,
    }),
  );
}

/** One leader term of the runnable (the leader manager starts the same runnable at each term of a replica). */
function lead(runnable: ReturnType<typeof incidentWatch>): () => Promise<void> {
  const controller = new AbortController();
  const running = runnable.start(controller.signal);
  const stop = async (): Promise<void> => {
    controller.abort();
    await running;
  };
  stops.push(stop);
  return stop;
}

const lines = (notifier: FakeNotifier) => notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]]);

describe('incident watch', () => {
  it('one root for a crash loop with its events, nothing for a healthy installation, the resolution in the thread', async () => {
    const clock = new FakeClock(t0);
    const cluster = new FakeClusterWatch({ clock });
    cluster.put(kinds.mattermost, mattermostCr('chat', 'mattermost'));
    cluster.put(kinds.mattermost, mattermostCr('staging', 'mattermost-staging'));
    cluster.put(kinds.pod, runningPod('chat', 'mattermost', 'mattermost-a'));
    cluster.put(kinds.pod, runningPod('staging', 'mattermost-staging', 'mattermost-staging-a'));
    const notifier = new FakeNotifier(['incidents']);
    leader(cluster, clock, notifier, new FakeStateBackend());
    await clock.advance(1_000);
    expect(notifier.posts).toEqual([]);

    cluster.put(kinds.pod, crashLoopingPod('chat', 'mattermost', 'mattermost-a'));
    cluster.put(kinds.event, warningEvent('chat', 'mattermost-a.1', 'mattermost-a'));
    cluster.put(kinds.event, { ...warningEvent('chat', 'normal.1', 'mattermost-a'), type: 'Normal', reason: 'Pulled' });
    await clock.advance(1_000);
    expect(notifier.posts).toHaveLength(1);
    expect(textOf(notifier.posts[0]!.reply)).toContain('CRITICAL chat/mattermost: container mattermost is crash-looping (1 pod)');
    expect(notifier.posts[0]!.reply.blocks).toContainEqual({
      kind: 'code',
      text: '08:59:55Z BackOff x7 on Pod/mattermost-a: Back-off restarting failed container mattermost',
    });

    cluster.put(kinds.pod, runningPod('chat', 'mattermost', 'mattermost-a'));
    await clock.advance(40_000);
    expect(notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]])).toEqual([
      ['', 'RESOLVED chat/mattermost: container mattermost is crash-looping (1 pod)'],
      ['p1', 'resolved after 1 s: container mattermost is crash-looping (1 pod) no longer seen'],
    ]);
  });

  it('a new leader resolves, in the old thread, what cleared while no leader watched; a pod deleted counts as cleared', async () => {
    const clock = new FakeClock(t0);
    const cluster = new FakeClusterWatch({ clock });
    cluster.put(kinds.mattermost, mattermostCr('chat', 'mattermost'));
    cluster.put(kinds.pod, runningPod('chat', 'mattermost', 'mattermost-a'));
    const notifier = new FakeNotifier(['incidents']);
    const backend = new FakeStateBackend();
    const stopFirst = leader(cluster, clock, notifier, backend);
    await clock.advance(1_000);
    cluster.put(kinds.pod, crashLoopingPod('chat', 'mattermost', 'mattermost-a'));
    await clock.advance(1_000);
    await stopFirst();
    expect(lines(notifier)).toEqual([['', 'CRITICAL chat/mattermost: container mattermost is crash-looping (1 pod)']]);

    cluster.remove(kinds.pod, 'chat', 'mattermost-a');
    cluster.put(kinds.pod, runningPod('chat', 'mattermost', 'mattermost-b'));
    await clock.advance(5 * 60_000);
    leader(cluster, clock, notifier, backend);
    await clock.advance(35_000);
    expect(notifier.posts.map((p) => p.root)).toEqual(['', 'p1']);
    expect(textOf(notifier.posts[1]!.reply)).toMatch(/^resolved after \d+ min/);
  });

  it('a replica that leads again while Mattermost is down resolves in the thread of the root its outbox still held', async () => {
    // A lone replica whose websocket stays down steps down and leads again (leader-election.ts):
    // a new term of the same runnable, in the same process, whose outbox still holds the root.
    const clock = new FakeClock(t0);
    const cluster = new FakeClusterWatch({ clock });
    cluster.put(kinds.mattermost, mattermostCr('chat', 'mattermost'));
    cluster.put(kinds.pod, runningPod('chat', 'mattermost', 'mattermost-a'));
    const notifier = new FakeNotifier(['incidents']);
    const runnable = incidentWatch({
      watch: cluster,
      store: new FakeStateStore(new FakeStateBackend()),
      notifier,
      thresholds: defaultThresholds,
      defaultChannel: 'incidents',
      namespaces: undefined,
      clock,
      logger: silentLogger,
      metrics: new FakeMetrics(),
    });
    const stopFirst = lead(runnable);
    await clock.advance(1_000);
    notifier.cut();
    cluster.put(kinds.pod, crashLoopingPod('chat', 'mattermost', 'mattermost-a'));
    await clock.advance(1_000);
    await stopFirst();
    lead(runnable);
    await clock.advance(2_000);
    cluster.put(kinds.pod, runningPod('chat', 'mattermost', 'mattermost-a'));
    await clock.advance(40_000);
    notifier.restore();
    await clock.advance(1_000);
    // Before the fix the second term found the root unmade and resolved it in no thread: the root stayed CRITICAL.
    expect(lines(notifier)).toEqual([
      ['', 'RESOLVED chat/mattermost: container mattermost is crash-looping (1 pod)'],
      ['p1', 'resolved after 3 s: container mattermost is crash-looping (1 pod) no longer seen'],
    ]);
  });

  it('shows the open incidents by rule while leading: 1 crash loop when it opens, 0 once resolved, no series after leading ends', async () => {
    const clock = new FakeClock(t0);
    const cluster = new FakeClusterWatch({ clock });
    cluster.put(kinds.mattermost, mattermostCr('chat', 'mattermost'));
    cluster.put(kinds.pod, runningPod('chat', 'mattermost', 'mattermost-a'));
    const metrics = new FakeMetrics();
    const stop = leader(cluster, clock, new FakeNotifier(['incidents']), new FakeStateBackend(), metrics);
    const open = (rule: string) => metrics.series(incidentsOpen, { rule });
    expect(open('crash-loop')).toBeUndefined(); // not listed yet
    await clock.advance(1_000);
    // Every rule shows from the start, so a dashboard has its series before the first incident.
    expect(ruleNames.map(open)).toEqual(ruleNames.map(() => 0));

    cluster.put(kinds.pod, crashLoopingPod('chat', 'mattermost', 'mattermost-a'));
    await clock.advance(1_000);
    expect(open('crash-loop')).toBe(1);
    expect(open('oom-killed')).toBe(0);

    cluster.put(kinds.pod, runningPod('chat', 'mattermost', 'mattermost-a'));
    await clock.advance(40_000);
    expect(open('crash-loop')).toBe(0);

    await stop();
    expect(ruleNames.map(open)).toEqual(ruleNames.map(() => undefined));
  });

  it('a newest good backup older than 26 h opens a warning at the store read that finds it so, and a new backup resolves it', async () => {
    const clock = new FakeClock(t0);
    const cluster = new FakeClusterWatch({ clock });
    const old = mattermostCr('chat', 'mattermost');
    cluster.put(kinds.mattermost, { ...old, metadata: { ...old.metadata, creationTimestamp: '2026-10-01T00:00:00Z' } as FakeObject['metadata'] });
    cluster.put(kinds.pod, runningPod('chat', 'mattermost', 'mattermost-a'));
    const store = new FakeBackupStore('');
    const backup = (id: string) => ({
      format: 'matterops-backup/v1' as const,
      id,
      installation: { namespace: 'chat', name: 'mattermost' },
      dumpKey: `chat/mattermost/${id}/dump.pgcustom`,
      startedAt: '2026-11-26T06:00:00.000Z',
      finishedAt: '2026-11-26T06:00:05.000Z',
      sizeBytes: 64,
      sha256: 'cd'.repeat(32),
      pgVersion: '15.14',
      rowCounts: {},
      requestedBy: 'alice',
    });
    store.putBackup(backup('20261126-060000-aaaa')); // 27 h before t0
    const lastGood = new LastGoodBackups(new FakeMetrics(), store);
    const notifier = new FakeNotifier(['incidents']);
    leader(cluster, clock, notifier, new FakeStateBackend(), new FakeMetrics(), lastGood);
    await clock.advance(1_000);
    expect(notifier.posts).toEqual([]); // the store not read yet: nothing known of backups

    await lastGood.refresh({ namespace: 'chat', name: 'mattermost' });
    await clock.advance(1_000);
    expect(notifier.posts.map((p) => textOf(p.reply).split('\n')[0])).toEqual(['WARNING chat/mattermost: the newest good backup is older than 26 h']);

    store.putBackup(backup('20261127-090000-bbbb'));
    await lastGood.refresh({ namespace: 'chat', name: 'mattermost' });
    await clock.advance(40_000);
    expect(notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]])).toEqual([
      ['', 'RESOLVED chat/mattermost: the newest good backup is older than 26 h'],
      ['p1', 'resolved after 1 h: the newest good backup is older than 26 h no longer seen'], // too old since 08:00, 26 h after the backup
    ]);
  });

  it('what is already broken when it first watches is one baseline post; 12 installations crashing together are one storm post', async () => {
    const clock = new FakeClock(t0);
    const cluster = new FakeClusterWatch({ clock });
    const names = Array.from({ length: 14 }, (_, i) => `mm-${i + 1}`);
    for (const name of names) {
      cluster.put(kinds.mattermost, mattermostCr('chat', name));
      cluster.put(kinds.pod, (name === 'mm-1' || name === 'mm-2' ? crashLoopingPod : runningPod)('chat', name, `${name}-a`));
    }
    const notifier = new FakeNotifier(['incidents']);
    leader(cluster, clock, notifier, new FakeStateBackend());
    await clock.advance(1_000);
    expect(lines(notifier)).toEqual([['', '2 problems were already present when matterops started watching']]);

    // Written within one gather (200 ms): judged together, one storm post and no root.
    for (const name of names.slice(2)) cluster.put(kinds.pod, crashLoopingPod('chat', name, `${name}-a`));
    await clock.advance(1_000);
    expect(lines(notifier)).toEqual([
      ['', '2 problems were already present when matterops started watching'],
      ['', 'Incident storm: 12 new incidents since 2026-11-27 09:00:01 UTC'],
    ]);
  });

  it('a burst written over most of a second, 80 ms apart, is judged as one batch: one storm post; a steady flow is still judged every second', async () => {
    const clock = new FakeClock(t0);
    const cluster = new FakeClusterWatch({ clock });
    const names = Array.from({ length: 12 }, (_, i) => `mm-${i + 1}`);
    for (const name of names) {
      cluster.put(kinds.mattermost, mattermostCr('chat', name));
      cluster.put(kinds.pod, runningPod('chat', name, `${name}-a`));
    }
    const notifier = new FakeNotifier(['incidents']);
    leader(cluster, clock, notifier, new FakeStateBackend());
    await clock.advance(1_000);
    for (const name of names) {
      cluster.put(kinds.pod, crashLoopingPod('chat', name, `${name}-a`));
      await clock.advance(80);
    }
    await clock.advance(1_000);
    expect(lines(notifier)).toEqual([['', 'Incident storm: 12 new incidents since 2026-11-27 09:00:02 UTC']]);

    // Changes every 100 ms for 3 s: the first judgement comes 1 s after the first change, not after the flow.
    cluster.put(kinds.mattermost, mattermostCr('chat', 'busy'));
    cluster.put(kinds.pod, runningPod('chat', 'busy', 'busy-a'));
    await clock.advance(10 * 60_000); // the storm is over
    cluster.put(kinds.pod, crashLoopingPod('chat', 'busy', 'busy-a'));
    for (let i = 0; i < 10; i++) {
      await clock.advance(100);
      cluster.put(kinds.event, { ...warningEvent('chat', `busy-a.${i}`, 'busy-a'), count: i + 1 });
    }
    expect(lines(notifier).at(-1)).toEqual(['', 'CRITICAL chat/busy: container mattermost is crash-looping (1 pod)']);
  });
});
