/**
 * The previous container's log on a crash loop's root (issue 12, Threads), on the fake clock,
 * gateway, notifier and store: the last lines shown redacted and the full redacted tail attached
 * as a file; "not available (why)" for a container that never restarted, a refused read or one
 * that does not answer in time (the root goes out at the timeout, not later); one read per opening
 * however often the root is edited, another at a relapse; a new leader edits the root keeping its
 * tail and reads nothing. Roots are golden files as Mattermost renders them.
 */
import { describe, expect, it } from 'vitest';
import { renderPost } from '../../../src/adapters/mattermost/render-post.ts';
import { MatteropsError } from '../../../src/core/errors.ts';
import { IncidentEngine } from '../../../src/core/incidents/engine.ts';
import { IncidentTracker } from '../../../src/core/incidents/incident-tracker.ts';
import { createLogTails, fileChars } from '../../../src/core/incidents/log-tail.ts';
import type { Finding } from '../../../src/core/incidents/finding.ts';
import { crashLoop } from '../../../src/core/incidents/rules/crash-loop.ts';
import { oomKilled } from '../../../src/core/incidents/rules/oom-killed.ts';
import { threadsDocument } from '../../../src/core/incidents/thread-document.ts';
import { ThreadKeeper } from '../../../src/core/incidents/thread-keeper.ts';
import { defaultThresholds } from '../../../src/core/incidents/thresholds.ts';
import type { LogRequest } from '../../../src/core/model/workload.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeClusterGateway } from '../../fakes/fake-cluster-gateway.ts';
import { FakeNotifier, textOf } from '../../fakes/fake-notifier.ts';
import { FakeStateBackend, FakeStateStore } from '../../fakes/fake-state-store.ts';
import { at, crashLooping, healthyPod, installation, t0, withContainer } from './snapshots.ts';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** A gateway that counts log reads and can be told to fail or hang. */
class LogGateway extends FakeClusterGateway {
  reads: LogRequest[] = [];
  hang = false;
  refuse: MatteropsError | undefined;
  override readLog(namespace: string, request: LogRequest): Promise<string> {
    this.reads.push(request);
    if (this.hang) return new Promise(() => undefined);
    if (this.refuse) return Promise.reject(this.refuse);
    return super.readLog(namespace, request);
  }
}

const crashLog = [
  '{"level":"info","msg":"Server is initializing..."}',
  '{"level":"info","msg":"connecting","dsn":"postgres://mmuser:hunter2@db:5432/mattermost?sslmode=disable"}',
  'MM_SQLSETTINGS_DATASOURCE=postgres://mmuser:hunter2@db/mattermost',
  'Authorization: Bearer abcdefghijklmnopqrstuvwxyz123456',
  'retrying postgres://mmuser:hunter2@db:5432/mattermost in 5 s',
  '{"level":"error","msg":"Failed to ping DB","error":"dial tcp 10.0.0.9:5432: connect: connection refused","password":"hunter2"}',
  '{"level":"fatal","msg":"Error starting server","error":"failed to initialize platform: cannot create store"}',
].join('\n');

function cluster(): LogGateway {
  const gateway = new LogGateway();
  for (const pod of ['mm-a', 'mm-b']) {
    gateway.logs.set(`chat/${pod}`, '{"msg":"starting again"}');
    gateway.previousLogs.set(`chat/${pod}/mattermost`, `${Array.from({ length: 300 }, (_, i) => `{"msg":"line ${i}"}`).join('\n')}\n${crashLog}\n`);
  }
  return gateway;
}

function leader(clock: FakeClock, notifier: FakeNotifier, gateway: LogGateway, backend = new FakeStateBackend()) {
  const store = new FakeStateStore(backend);
  const keeper = new ThreadKeeper({
    notifier,
    store,
    clock,
    logger: silentLogger,
    route: () => Promise.resolve('incidents'),
    coolDownMs: defaultThresholds.coolDownMs,
    logTails: createLogTails({ logs: gateway, clock, logger: silentLogger }),
  });
  return { tracker: new IncidentTracker({ engine: new IncidentEngine(defaultThresholds), keeper, clock }), store };
}

async function settle(clock: FakeClock, tracker: IncidentTracker, ms = 0): Promise<void> {
  await clock.advance(ms);
  await tracker.settled();
  await clock.advance(0);
}

async function opened(gateway = cluster()) {
  const clock = new FakeClock(t0);
  const notifier = new FakeNotifier(['incidents']);
  const backend = new FakeStateBackend();
  const { tracker, store } = leader(clock, notifier, gateway, backend);
  await tracker.start();
  tracker.observe(installation([crashLooping('mm-a'), healthyPod('mm-b')]));
  await settle(clock, tracker);
  return { clock, notifier, backend, tracker, store, gateway };
}

const secrets = ['hunter2', 'abcdefghijklmnopqrstuvwxyz123456'];

describe("the previous container's log on an incident root", () => {
  it('shows the last lines, redacted, and attaches the full redacted tail as a file', async () => {
    const { notifier, gateway } = await opened();
    expect(gateway.reads).toEqual([{ pod: 'mm-a', container: 'mattermost', tailLines: 200, limitBytes: 256 * 1024, previous: true }]);
    expect(notifier.posts).toHaveLength(1);
    const root = notifier.posts[0]!;
    await expect(json(renderPost(root.reply))).toMatchFileSnapshot('__golden__/root-log-tail.json');
    const shown = textOf(root.reply);
    expect(shown).toContain("Previous container's log (mm-a, mattermost), last 10 lines:");
    expect(shown).toContain('Error starting server');
    expect(root.files.map((f) => f.name)).toEqual(['mm-a-mattermost-previous.log']);
    const file = root.files[0]!.content;
    // The whole tail asked for (200 lines), newest last.
    expect(file.trimEnd().split('\n')).toHaveLength(200);
    expect(file.trimEnd().endsWith('cannot create store"}')).toBe(true);
    for (const secret of secrets) {
      expect(JSON.stringify(renderPost(root.reply))).not.toContain(secret);
      expect(file).not.toContain(secret);
    }
    expect(file).toContain('postgres://mmuser:***@db:5432/mattermost');
  });

  it("gives the root's card the same lines as its log tail, and no change note made of the tail's header", async () => {
    const { notifier } = await opened();
    const card = notifier.posts[0]!.reply.card;
    expect(card?.kind).toBe('incident');
    if (card?.kind !== 'incident') return;
    expect(card.logTail).toMatchObject({ pod: 'mm-a', container: 'mattermost' });
    const lines = card.logTail && 'lines' in card.logTail ? card.logTail.lines : [];
    expect(lines).toHaveLength(10);
    expect(lines.at(-1)).toBe('{"level":"fatal","msg":"Error starting server","error":"failed to initialize platform: cannot create store"}');
    expect(card.change).toBeUndefined();
    for (const secret of secrets) expect(JSON.stringify(card)).not.toContain(secret);
  });

  it('keeps the file within 64 KiB, the newest lines, when the tail is larger', async () => {
    const gateway = cluster();
    gateway.previousLogs.set('chat/mm-a/mattermost', `${Array.from({ length: 200 }, (_, i) => `${i} ${'x'.repeat(1_000)}`).join('\n')}\nthe last line`);
    const { notifier } = await opened(gateway);
    const file = notifier.posts[0]!.files[0]!.content;
    expect(file.length).toBeLessThanOrEqual(fileChars);
    expect(file.endsWith('the last line')).toBe(true);
    expect(textOf(notifier.posts[0]!.reply).length).toBeLessThan(3_000);
  });

  it('says "not available" with why, and attaches nothing, for a container that never restarted', async () => {
    const gateway = cluster();
    gateway.previousLogs.delete('chat/mm-a/mattermost');
    const { notifier } = await opened(gateway);
    expect(notifier.posts).toHaveLength(1);
    await expect(json(renderPost(notifier.posts[0]!.reply))).toMatchFileSnapshot('__golden__/root-log-tail-not-available.json');
    expect(textOf(notifier.posts[0]!.reply)).toContain('log tail: not available (no previous container)');
    expect(notifier.posts[0]!.files).toEqual([]);
    expect(notifier.posts[0]!.reply.card).toMatchObject({ logTail: { pod: 'mm-a', container: 'mattermost', unavailable: 'no previous container' } });
    expect(notifier.posts[0]!.reply.card).not.toHaveProperty('change');
  });

  it('says why for a refused read, one the node cannot serve, and an empty log', async () => {
    const why = async (setup: (g: LogGateway) => void): Promise<string> => {
      const gateway = cluster();
      setup(gateway);
      const { notifier } = await opened(gateway);
      return /log tail: not available \((.*)\)/.exec(textOf(notifier.posts[0]!.reply))?.[1] ?? 'no line';
    };
    expect(await why((g) => (g.refuse = new MatteropsError('forbidden', 'cluster fake refused: pods "mm-a" is forbidden')))).toBe(
      'matterops may not read pod logs',
    );
    expect(await why((g) => (g.refuse = new MatteropsError('internal', 'cluster fake: dial tcp 127.0.0.1:0: connect: connection refused')))).toBe(
      'the node did not serve it',
    );
    expect(await why((g) => (g.refuse = new MatteropsError('not_found', 'cluster fake: pods "mm-a" not found')))).toBe('the pod is gone');
    expect(await why((g) => g.previousLogs.set('chat/mm-a/mattermost', '\n'))).toBe('the previous container wrote nothing');
  });

  it('posts the root at the timeout when the read does not answer, and reads once, not again', async () => {
    const gateway = cluster();
    gateway.hang = true;
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const { tracker } = leader(clock, notifier, gateway);
    await tracker.start();
    tracker.observe(installation([crashLooping('mm-a')]));
    // Not `settle`: the keeper is waiting for the read, so the tracker does not settle before the timeout.
    await clock.advance(2_900);
    expect(notifier.posts).toHaveLength(0);
    await settle(clock, tracker, 100);
    expect(notifier.posts).toHaveLength(1);
    expect(textOf(notifier.posts[0]!.reply)).toContain('log tail: not available (no answer within 3 s)');
    tracker.observe(installation([crashLooping('mm-a', 9), crashLooping('mm-b')]));
    await settle(clock, tracker, 10_000);
    expect(notifier.posts).toHaveLength(2);
    expect(gateway.reads).toHaveLength(1);
  });

  it('reads once per opening: updates and the resolution edit the root with the same tail; a relapse reads again and its reply carries the file', async () => {
    const { clock, notifier, tracker, gateway } = await opened();
    const root = notifier.posts[0]!;
    tracker.observe(installation([crashLooping('mm-a', 9), crashLooping('mm-b')]));
    await settle(clock, tracker, 10_000);
    tracker.observe(installation([healthyPod('mm-a'), healthyPod('mm-b')]));
    await settle(clock, tracker, 40_000);
    expect(notifier.posts.map((p) => textOf(p.reply).split('\n')[0])).toEqual([
      'RESOLVED chat/mattermost: container mattermost is crash-looping (2 pods)',
      'now: container mattermost is crash-looping (2 pods) (critical)',
      expect.stringMatching(/^resolved after/),
    ]);
    expect(gateway.reads).toHaveLength(1);
    expect(root.edits).toBe(2);
    expect(textOf(root.reply)).toContain('Error starting server');
    expect(root.files).toHaveLength(1);

    gateway.previousLogs.set('chat/mm-b/mattermost', 'the second crash\n');
    tracker.observe(
      installation([healthyPod('mm-a'), withContainer(crashLooping('mm-b'), { lastTerminated: { reason: 'Error', exitCode: 2, finishedAt: at(60) } })]),
    );
    await settle(clock, tracker, 10_000);
    expect(gateway.reads.map((r) => r.pod)).toEqual(['mm-a', 'mm-b']);
    const relapse = notifier.posts[3]!;
    expect(textOf(relapse.reply)).toMatch(/^relapsed:/);
    expect(relapse.files.map((f) => [f.name, f.content])).toEqual([['mm-b-mattermost-previous.log', 'the second crash\n']]);
    expect(textOf(root.reply)).toContain("Previous container's log (mm-b, mattermost), last 1 line:");
    expect(root.files.map((f) => f.name)).toEqual(['mm-a-mattermost-previous.log']);
  });

  it("keeps the tail and the root's file id with the thread: a new leader edits the root with it and reads nothing", async () => {
    const { notifier, backend, gateway, store } = await opened();
    const saved = (await store.read(threadsDocument)).value.threads[0]!;
    expect(saved.logTail).toMatchObject({ pod: 'mm-a', container: 'mattermost', fileId: notifier.posts[0]!.files[0]!.id });
    expect(saved.logTail?.shown).toContain('Error starting server');

    const clock = new FakeClock(at(60));
    const next = leader(clock, notifier, gateway, backend);
    await next.tracker.start();
    next.tracker.observe(installation([crashLooping('mm-a', 9), crashLooping('mm-b')]));
    await settle(clock, next.tracker);
    expect(gateway.reads).toHaveLength(1);
    expect(notifier.posts).toHaveLength(2);
    expect(notifier.posts[0]!.edits).toBe(1);
    expect(textOf(notifier.posts[0]!.reply)).toContain('Error starting server');
    expect(notifier.posts[0]!.files).toHaveLength(1);
  });

  it('is read only for incidents whose container ended: crash loops and OOM kills name it, other rules do not', () => {
    const oom = withContainer(healthyPod('mm-c'), { restarts: 1, lastTerminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: at(-5) } });
    const previousLog = (findings: Finding[]) => findings.map((f) => f.evidence.previousLog);
    // The newest crash of the group names the pod.
    const newer = withContainer(crashLooping('mm-b'), { lastTerminated: { reason: 'Error', exitCode: 1, finishedAt: at(-1) } });
    expect(previousLog(crashLoop(installation([crashLooping('mm-a'), newer]), t0, defaultThresholds))).toEqual([{ pod: 'mm-b', container: 'mattermost' }]);
    expect(previousLog(oomKilled(installation([oom]), t0, defaultThresholds))).toEqual([{ pod: 'mm-c', container: 'mattermost' }]);
  });
});
