/**
 * Alertmanager groups as threads, on the fake clock, notifier and state store (issue 12,
 * "Alertmanager alerts, threaded"): one root per group, an update in its thread when the firing set
 * changes, the resolution as a reply and an edited root, the installation's status as the first
 * reply, one root for the two deliveries of an HA pair (one after the other and at once), a
 * delivery to a follower posted by the leader, and a new leader that neither reposts nor forgets;
 * the open groups on the leader's metrics.
 */
import { describe, expect, it } from 'vitest';
import { alertGroupsDocument } from '../../../src/core/incidents/alertmanager/alert-groups-document.ts';
import { receiveAlerts, type AlertReceiverDeps } from '../../../src/core/incidents/alertmanager/receive-alerts.ts';
import { IncidentEngine } from '../../../src/core/incidents/engine.ts';
import { IncidentTracker } from '../../../src/core/incidents/incident-tracker.ts';
import { ThreadKeeper } from '../../../src/core/incidents/thread-keeper.ts';
import { createChangeNote, type ChangeNote } from '../../../src/core/incidents/change-note.ts';
import { FakeAuditLog } from '../../fakes/fake-audit-log.ts';
import { defaultThresholds } from '../../../src/core/incidents/thresholds.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { incidentsOpen } from '../../../src/core/metrics-catalog.ts';
import { heading, reply } from '../../../src/core/reply.ts';
import { alertThreadsDuty, type AlertThreadsDuty } from '../../../src/leader/alert-threads-runnable.ts';
import type { LeaderContext } from '../../../src/leader/leader-context.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeMetrics } from '../../fakes/fake-metrics.ts';
import { FakeNotifier, textOf } from '../../fakes/fake-notifier.ts';
import { FakeStateBackend, FakeStateStore } from '../../fakes/fake-state-store.ts';
import { AlertmanagerPayloadSchema, mattermostDown, payloadJson, t0, type AlertSpec } from './alert-payloads.ts';

const delivery = (alerts: AlertSpec[], externalURL?: string) => AlertmanagerPayloadSchema.parse(payloadJson(alerts, externalURL ? { externalURL } : {}));

/** One bot replica on the shared cluster state: its webhook's receiver and its leader duty. */
function replica(clock: FakeClock, backend: FakeStateBackend, metrics = new FakeMetrics(), note?: ChangeNote) {
  const installations = [{ namespace: 'chat', name: 'mattermost' }];
  const store = new FakeStateStore(backend);
  const duty: AlertThreadsDuty = alertThreadsDuty({
    ...(note ? { note } : {}),
    store,
    clock,
    logger: silentLogger,
    metrics,
    coolDownMs: defaultThresholds.coolDownMs,
    route: () => (incident) => Promise.resolve(incident.alertGroup?.channel),
    statusOf: (i) => Promise.resolve(reply('good', heading(`${i.namespace}/${i.name}: stable, 2/2 ready`))),
  });
  const deps: AlertReceiverDeps = {
    store,
    clock,
    installationsIn: (ns) => Promise.resolve(installations.filter((i) => i.namespace === ns)),
    channelLabel: 'mattermost_channel',
    coolDownMs: defaultThresholds.coolDownMs,
    onSaved: () => duty.nudge(),
  };
  return { store, duty, receive: (alerts: AlertSpec[], externalURL?: string) => receiveAlerts(deps, delivery(alerts, externalURL)) };
}

/** Leads: the duty runs until the returned stop. */
function lead(duty: AlertThreadsDuty, notifier: FakeNotifier): () => Promise<void> {
  const abort = new AbortController();
  const running = duty.runnable({ notifier } as unknown as LeaderContext).start(abort.signal);
  return async () => {
    abort.abort();
    await running;
  };
}

const firstLines = (notifier: FakeNotifier) => notifier.posts.map((p) => [p.root, textOf(p.reply).split('\n')[0]]);

describe('Alertmanager groups as incident threads', () => {
  it('a root about an installation names the matterops change applied to it shortly before (the change note)', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const audit = new FakeAuditLog();
    await audit.record({
      at: new Date(t0.getTime() - 3 * 60_000),
      operationId: 'op1',
      phase: 'applied',
      verb: 'upgrade',
      requester: '@alice',
      via: 'mattermost ~ops',
      cluster: 'prod',
      namespace: 'chat',
      installation: 'mattermost',
      detail: 'image mattermost/mattermost-enterprise-edition:9.8.1 -> mattermost/mattermost-enterprise-edition:9.9.0',
      undo: { verb: 'upgrade', positionals: ['mattermost', '9.8.1'], flags: {} },
    });
    const note = createChangeNote({ audit, cluster: 'prod', windowMs: defaultThresholds.changeWindowMs, logger: silentLogger });
    const bot = replica(clock, new FakeStateBackend(), new FakeMetrics(), note);
    const stop = lead(bot.duty, notifier);
    await clock.advance(0);
    await bot.receive([mattermostDown({ pod: 'mm-a' })]);
    await clock.advance(10);
    const root = notifier.posts[0]!.reply;
    expect(textOf(root)).toContain("Began 3 min after @alice's upgrade (image mattermost/mattermost-enterprise-edition:9.8.1 -> ");
    expect(textOf(root)).toContain('To undo it: upgrade mattermost 9.8.1 -n chat --cluster prod');
    expect(root.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions.map((a) => a.command) : []))).toEqual([
      'upgrade mattermost 9.8.1 -n chat --cluster prod',
    ]);
    await stop();
  });

  it('a root with the alert, its installation status in the thread, an update when a second fires, then the resolution', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const bot = replica(clock, new FakeStateBackend());
    const stop = lead(bot.duty, notifier);
    await clock.advance(0);

    await bot.receive([mattermostDown({ pod: 'mm-a' })]);
    await clock.advance(10);
    expect(firstLines(notifier)).toEqual([
      ['', 'CRITICAL chat/mattermost: MattermostDown: chat-main down'],
      ['p1', 'chat/mattermost: stable, 2/2 ready'],
    ]);

    await bot.receive([mattermostDown({ pod: 'mm-a' }), mattermostDown({ pod: 'mm-b' })]);
    await clock.advance(10);
    expect(firstLines(notifier).slice(2)).toEqual([['p1', 'now: MattermostDown: 2 alerts firing (critical)']]);
    expect(textOf(notifier.posts[2]!.reply)).toContain('affected: pod=mm-a, pod=mm-b');
    expect(textOf(notifier.posts[0]!.reply)).toContain('CRITICAL chat/mattermost: MattermostDown: 2 alerts firing');

    const ended = new Date(t0.getTime() + 7 * 60_000);
    await bot.receive([
      { ...mattermostDown({ pod: 'mm-a' }), status: 'resolved', endsAt: ended },
      { ...mattermostDown({ pod: 'mm-b' }), status: 'resolved', endsAt: ended },
    ]);
    await clock.advance(10);
    expect(firstLines(notifier).slice(3)).toEqual([['p1', 'resolved after 7 min: MattermostDown: 2 alerts firing no longer seen']]);
    expect(textOf(notifier.posts[0]!.reply)).toMatch(/^RESOLVED chat\/mattermost: MattermostDown: 2 alerts firing/);
    expect(notifier.posts.filter((p) => p.root === '')).toHaveLength(1);
    await stop();
  });

  it('the same group from both peers of an HA pair, one after the other and at once, is one root', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const backend = new FakeStateBackend();
    const leader = replica(clock, backend);
    const follower = replica(clock, backend);
    const stop = lead(leader.duty, notifier);
    await clock.advance(0);

    await leader.receive([mattermostDown()], 'http://am-a:9093');
    await follower.receive([mattermostDown()], 'http://am-b:9093');
    await clock.advance(5_000);
    // Posted once: the root and the status in its thread, no update for the second delivery.
    expect(firstLines(notifier)).toEqual([
      ['', 'CRITICAL chat/mattermost: MattermostDown: chat-main down'],
      ['p1', 'chat/mattermost: stable, 2/2 ready'],
    ]);

    // A new group, both peers' deliveries racing for the document.
    const disk = { labels: { alertname: 'DiskFull', namespace: 'chat', mattermost_channel: 'incidents' } };
    await Promise.all([leader.receive([disk], 'http://am-a:9093'), follower.receive([disk], 'http://am-b:9093')]);
    await clock.advance(5_000);
    expect(firstLines(notifier)).toEqual([
      ['', 'CRITICAL chat/mattermost: MattermostDown: chat-main down'],
      ['p1', 'chat/mattermost: stable, 2/2 ready'],
      ['', 'WARNING chat/mattermost: DiskFull'],
      ['p3', 'chat/mattermost: stable, 2/2 ready'],
    ]);
    await stop();
  });

  it('a delivery to a follower is posted by the leader at its next look, and a new leader reposts nothing', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const backend = new FakeStateBackend();
    const first = replica(clock, backend);
    const follower = replica(clock, backend);
    const stopFirst = lead(first.duty, notifier);
    await clock.advance(0);
    await follower.receive([mattermostDown()]);
    expect(notifier.posts).toHaveLength(0);
    await clock.advance(2_000);
    expect(firstLines(notifier)[0]).toEqual(['', 'CRITICAL chat/mattermost: MattermostDown: chat-main down']);
    await stopFirst();

    // The follower takes over: the group it reads is posted already; its resolution lands in the thread.
    const stopNext = lead(follower.duty, notifier);
    await clock.advance(5_000);
    expect(notifier.posts).toHaveLength(2); // the root and its status
    await follower.receive([{ ...mattermostDown(), status: 'resolved', endsAt: new Date(t0.getTime() + 60_000) }]);
    await clock.advance(10);
    expect(firstLines(notifier)[2]).toEqual(['p1', 'resolved after 1 min: MattermostDown: chat-main down no longer seen']);
    await stopNext();
  });

  it('a group firing again within the cool-down relapses in its thread; resolved groups are forgotten after it', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const bot = replica(clock, new FakeStateBackend());
    const stop = lead(bot.duty, notifier);
    await bot.receive([mattermostDown()]);
    await bot.receive([{ ...mattermostDown(), status: 'resolved', endsAt: new Date(t0.getTime() + 60_000) }]);
    await clock.advance(10);
    await bot.receive([mattermostDown()]);
    await clock.advance(10);
    expect(firstLines(notifier).slice(2)).toEqual([
      ['p1', 'resolved after 1 min: MattermostDown: chat-main down no longer seen'],
      ['p1', 'relapsed: MattermostDown: chat-main down (critical), the same incident as above'],
    ]);
    await bot.receive([{ ...mattermostDown(), status: 'resolved', endsAt: clock.now() }]);
    await clock.advance(defaultThresholds.coolDownMs + 1_000);
    await bot.receive([{ labels: { alertname: 'Other', mattermost_channel: 'incidents' } }]);
    expect(bot.store.peek(alertGroupsDocument)?.groups.map((g) => g.incident.title)).toEqual(['Other']);
    await stop();
  });

  it('a group whose label names no channel is kept but posted nowhere', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const bot = replica(clock, new FakeStateBackend());
    const stop = lead(bot.duty, notifier);
    await bot.receive([{ labels: { alertname: 'NoRoute' } }]);
    await clock.advance(2_000);
    expect(notifier.posts).toHaveLength(0);
    expect(bot.store.peek(alertGroupsDocument)?.groups).toHaveLength(1);
    await stop();
  });

  it('the incident watch, sharing the threads document, leaves an open alert group alone (regression: it resolved it as a rule incident)', async () => {
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const backend = new FakeStateBackend();
    const bot = replica(clock, backend);
    const stop = lead(bot.duty, notifier);
    await bot.receive([mattermostDown()]);
    await clock.advance(10);
    // The rules' tracker of the same leader starts on the same document and sees a healthy cluster.
    const keeper = new ThreadKeeper({
      notifier,
      store: new FakeStateStore(backend),
      clock,
      logger: silentLogger,
      route: () => Promise.resolve('incidents'),
      coolDownMs: defaultThresholds.coolDownMs,
    });
    const tracker = new IncidentTracker({ engine: new IncidentEngine(defaultThresholds), keeper, clock });
    await tracker.start();
    await clock.advance(60_000);
    await tracker.settled();
    expect(firstLines(notifier)).toEqual([
      ['', 'CRITICAL chat/mattermost: MattermostDown: chat-main down'],
      ['p1', 'chat/mattermost: stable, 2/2 ready'],
    ]);
    await tracker.stop();
    await stop();
  });

  it('shows the open groups as incidents of rule alertmanager while leading, a delivery to a follower too; none after leading ends', async () => {
    const clock = new FakeClock(t0);
    const backend = new FakeStateBackend();
    const metrics = new FakeMetrics();
    const leader = replica(clock, backend, metrics);
    const follower = replica(clock, backend);
    const stop = lead(leader.duty, new FakeNotifier(['incidents']));
    await clock.advance(0);
    expect(metrics.series(incidentsOpen, { rule: 'alertmanager' })).toBe(0);

    await leader.receive([mattermostDown()]);
    await clock.advance(10);
    expect(metrics.series(incidentsOpen, { rule: 'alertmanager' })).toBe(1);
    await follower.receive([mattermostDown({ alertname: 'MattermostSlow' })]);
    await clock.advance(2_000);
    expect(metrics.series(incidentsOpen, { rule: 'alertmanager' })).toBe(2);

    await leader.receive([{ ...mattermostDown(), status: 'resolved', endsAt: new Date(t0.getTime() + 60_000) }]);
    await clock.advance(10);
    expect(metrics.series(incidentsOpen, { rule: 'alertmanager' })).toBe(1);
    await stop();
    expect(metrics.series(incidentsOpen, { rule: 'alertmanager' })).toBeUndefined();
  });
});
