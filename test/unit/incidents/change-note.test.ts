/**
 * The change-aware note (issue 12, Threads): the newest change matterops applied to the incident's
 * installation within the window before the incident began, with its undo when it has one; nothing
 * for no change, a change elsewhere or one too early; one audit read per incident. The root with
 * the note is a golden file as Mattermost renders it (the Undo button is signed by the adapter).
 */
import { describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { fromEvent, toEvent } from '../../../src/adapters/kubernetes/event-audit-log.ts';
import { renderPost } from '../../../src/adapters/mattermost/render-post.ts';
import { createChangeNote } from '../../../src/core/incidents/change-note.ts';
import type { Incident } from '../../../src/core/incidents/incident.ts';
import { IncidentEngine } from '../../../src/core/incidents/engine.ts';
import { IncidentTracker } from '../../../src/core/incidents/incident-tracker.ts';
import { ThreadKeeper } from '../../../src/core/incidents/thread-keeper.ts';
import { defaultThresholds } from '../../../src/core/incidents/thresholds.ts';
import type { AuditEntry, AuditQuery } from '../../../src/core/ports/audit-log.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import type { Block } from '../../../src/core/reply.ts';
import { FakeAuditLog } from '../../fakes/fake-audit-log.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeNotifier } from '../../fakes/fake-notifier.ts';
import { FakeStateStore } from '../../fakes/fake-state-store.ts';
import { at, crashLooping, installation, t0 } from './snapshots.ts';

const windowMs = defaultThresholds.changeWindowMs;

const incident = (overrides: Partial<Incident> = {}): Incident => ({
  key: 'crash-loop:chat/mattermost:mattermost',
  source: 'rules',
  installation: { namespace: 'chat', name: 'mattermost' },
  rule: 'crash-loop',
  severity: 'critical',
  title: 'container mattermost is crash-looping (1 pod)',
  since: t0,
  affected: ['mm-a'],
  evidence: { facts: [], lines: [] },
  state: 'open',
  ...overrides,
});

const change = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  at: at(-120),
  operationId: 'op1',
  phase: 'applied',
  verb: 'scale',
  requester: '@alice',
  via: 'mattermost ~ops',
  cluster: 'prod',
  namespace: 'chat',
  installation: 'mattermost',
  detail: 'replicas 2 -> 3',
  undo: { verb: 'scale', positionals: ['mattermost', '2'], flags: {} },
  ...overrides,
});

/** An audit log that counts its reads. */
class CountingAudit extends FakeAuditLog {
  reads = 0;
  override query(q: AuditQuery): Promise<AuditEntry[]> {
    this.reads++;
    return super.query(q);
  }
}

async function noteWith(entries: AuditEntry[], of = incident()): Promise<{ blocks: Block[]; audit: CountingAudit }> {
  const audit = new CountingAudit();
  for (const e of entries) await audit.record(e);
  const note = createChangeNote({ audit, cluster: 'prod', windowMs, logger: silentLogger });
  return { blocks: await note(of), audit };
}

const texts = (blocks: Block[]): string[] => blocks.flatMap((b) => (b.kind === 'text' ? [b.text] : []));
const buttons = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));

describe('the change note', () => {
  it('names the change, its undo and an Undo button that carries the command', async () => {
    const { blocks } = await noteWith([change({ phase: 'requested', at: at(-130) }), change()]);
    expect(texts(blocks)).toEqual([
      "Began 2 min after @alice's scale (replicas 2 -> 3), applied 08:58 UTC via mattermost ~ops.",
      'To undo it: scale mattermost 2 -n chat --cluster prod',
    ]);
    expect(buttons(blocks)).toEqual([{ id: 'undo', label: 'Undo', style: 'danger', command: 'scale mattermost 2 -n chat --cluster prod' }]);
  });

  it('names the newest change in the window, and one without an inverse with no undo', async () => {
    const { blocks } = await noteWith([change({ at: at(-600) }), change({ at: at(-60), verb: 'restart', detail: 'pod annotation x', undo: undefined })]);
    expect(texts(blocks)).toEqual(["Began 1 min after @alice's restart (pod annotation x), applied 08:59 UTC via mattermost ~ops."]);
    expect(buttons(blocks)).toEqual([]);
  });

  it('counts a change at the window edges, not one before it or after the incident began', async () => {
    expect(texts((await noteWith([change({ at: new Date(t0.getTime() - windowMs) })])).blocks)[0]).toMatch(/^Began 30 min after/);
    expect(texts((await noteWith([change({ at: t0 })])).blocks)[0]).toMatch(/^Began 0 s after/);
    expect((await noteWith([change({ at: new Date(t0.getTime() - windowMs - 1_000) })])).blocks).toEqual([]);
    expect((await noteWith([change({ at: at(1) })])).blocks).toEqual([]);
  });

  it('gives nothing for no change, a change on another installation, steps that are not applied, or an incident about no installation', async () => {
    expect((await noteWith([])).blocks).toEqual([]);
    expect((await noteWith([change({ installation: 'other' }), change({ namespace: 'staging' })])).blocks).toEqual([]);
    expect((await noteWith([change({ phase: 'requested' }), change({ phase: 'denied' }), change({ phase: 'succeeded' })])).blocks).toEqual([]);
    expect((await noteWith([change({ objectKind: 'ConfigMap' })])).blocks).toEqual([]);
    const { blocks, audit } = await noteWith([change()], incident({ installation: undefined, source: 'alertmanager' }));
    expect(blocks).toEqual([]);
    expect(audit.reads).toBe(0);
  });

  describe('a forged audit Event (anyone with create on Events can write one)', () => {
    const evil = { verb: 'upgrade' as const, positionals: ['payments', '9.0.0'], flags: { image: 'evil.example/mm' } };
    const allText = (blocks: Block[]): string => JSON.stringify(blocks);

    it('is not named when the bot did not sign it, through the Events adapter as the bot reads it', async () => {
      const bot = createHmacSigner('the bot key for this test');
      const forged = toEvent(change({ undo: evil }), createHmacSigner('the forger key'));
      const annotations = { ...forged.metadata.annotations };
      delete annotations['matterops.io/sig'];
      const unsigned = { ...forged, metadata: { ...forged.metadata, annotations } };
      // The same Event signed by the bot is named: what is refused is the forger's, not the shape.
      const genuine = await noteWith([fromEvent(toEvent(change(), bot), bot)!]);
      expect(texts(genuine.blocks)).toHaveLength(2);
      const { blocks } = await noteWith([fromEvent(forged, bot)!, fromEvent(unsigned, bot)!]);
      expect(blocks).toEqual([]);
      expect(allText(blocks)).not.toContain('evil.example');
    });

    it('offers no undo for another installation or cluster, and places the command at the incident itself', async () => {
      const other = await noteWith([change({ undo: evil })]);
      expect(texts(other.blocks)).toEqual(["Began 2 min after @alice's scale (replicas 2 -> 3), applied 08:58 UTC via mattermost ~ops."]);
      expect(allText(other.blocks)).not.toContain('evil.example');
      expect(buttons(other.blocks)).toEqual([]);
      const elsewhere = await noteWith([change({ cluster: 'staging' })]);
      expect(texts(elsewhere.blocks)).toHaveLength(1);
      expect(buttons(elsewhere.blocks)).toEqual([]);
    });
  });

  it('keeps the command once resolved, without the button', async () => {
    const { blocks } = await noteWith([change()], incident({ state: 'resolved', resolvedAt: at(300) }));
    expect(texts(blocks)).toHaveLength(2);
    expect(buttons(blocks)).toEqual([]);
  });

  it('cuts a long line and a long name', async () => {
    const { blocks } = await noteWith([change({ detail: 'x'.repeat(5_000), requester: `@${'a'.repeat(500)}` })]);
    expect(texts(blocks)[0]!.length).toBeLessThan(400);
  });

  it('reads the audit once per incident, however often its root is edited; a read that fails is tried again', async () => {
    const audit = new CountingAudit();
    await audit.record(change());
    const note = createChangeNote({ audit, cluster: 'prod', windowMs, logger: silentLogger });
    await Promise.all([note(incident()), note(incident())]);
    await note(incident({ title: 'container mattermost is crash-looping (2 pods)' }));
    expect(audit.reads).toBe(1);
    await note(incident({ key: 'image-pull:chat/mattermost' }));
    expect(audit.reads).toBe(2);

    let fail = true;
    const flaky = new CountingAudit();
    const query = flaky.query.bind(flaky);
    flaky.query = (q) => (fail ? Promise.reject(new Error('apiserver down')) : query(q));
    await flaky.record(change());
    const flakyNote = createChangeNote({ audit: flaky, cluster: 'prod', windowMs, logger: silentLogger });
    expect(await flakyNote(incident())).toEqual([]);
    fail = false;
    expect(texts(await flakyNote(incident()))).toHaveLength(2);
  });

  it("is on the thread keeper's root, as Mattermost renders it", async () => {
    const audit = new FakeAuditLog();
    await audit.record(change({ at: at(-120) }));
    const clock = new FakeClock(t0);
    const notifier = new FakeNotifier(['incidents']);
    const keeper = new ThreadKeeper({
      notifier,
      store: new FakeStateStore(),
      clock,
      logger: silentLogger,
      route: () => Promise.resolve('incidents'),
      coolDownMs: defaultThresholds.coolDownMs,
      note: createChangeNote({ audit, cluster: 'prod', windowMs, logger: silentLogger }),
    });
    const tracker = new IncidentTracker({ engine: new IncidentEngine(defaultThresholds), keeper, clock });
    await tracker.start();
    tracker.observe(installation([crashLooping('mm-a')]));
    await clock.advance(0);
    await tracker.settled();
    await clock.advance(0);
    expect(notifier.posts).toHaveLength(1);
    const rendered = renderPost(notifier.posts[0]!.reply, (action) => ({ url: 'https://bot.example.com/hooks/action', context: { signed: action.id } }));
    await expect(`${JSON.stringify(rendered, null, 2)}\n`).toMatchFileSnapshot('__golden__/root-change-note.json');
  });
});
