/**
 * The bot's card posts (issue 15): each kind of card as the Mattermost notifier sends it when the
 * companion plugin is active, written to the shared fixtures in test/fixtures/cards/ (the webapp's
 * component and browser tests render the same files), and the same replies as exactly today's plain
 * posts when it is not. A fixture is the post as Mattermost keeps it: `{ message, type, props }`
 * (an edit's type is its create's: a patch leaves it).
 */
import { describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { createChatResponder } from '../../../src/adapters/mattermost/chat-responder.ts';
import { renderPost } from '../../../src/adapters/mattermost/render-post.ts';
import { rootReply } from '../../../src/core/incidents/incident-replies.ts';
import type { Incident } from '../../../src/core/incidents/incident.ts';
import { logTailBlocks } from '../../../src/core/incidents/log-tail.ts';
import type { IncidentCard } from '../../../src/core/card.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { code, text, type Reply } from '../../../src/core/reply.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { chatUser, createHarness, fixedNow, minutesAgo } from '../../support/core-harness.ts';
import { incidentFleet, mixedFleet } from '../digest/digest-fleets.ts';
import { cardNotifier, type PostBody } from './card-notifier.ts';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
/** `<kind>-bot-<case>`: written by this test from the bot's own replies (the webapp helper's hand-written cases keep their names). */
const fixture = (name: string): string => `../../fixtures/cards/${name.replace('-', '-bot-')}.json`;
/** The post as kept, without the key its create is made idempotent by (a new one each run: idempotent-create.ts). */
function asSent(b: PostBody) {
  const props = Object.fromEntries(Object.entries(b.props ?? {}).filter(([key]) => key !== 'matterops_post_key'));
  return { message: b.message, type: b.type ?? '', props };
}

const admin = PolicySchema.parse({
  roles: { admin: { verbs: ['*'], limits: { maxReplicas: 20, minReplicas: 0 } } },
  bindings: [{ role: 'admin', subjects: [{ user: '*' }] }],
});

function troubledHarness() {
  const h = createHarness({ policy: admin });
  h.gateway.seed('chat', 'mattermost', { replicas: 3, state: 'reconciling', status: { updatedReplicas: 2 } });
  const pods = h.gateway.pods.get('chat/mattermost') ?? [];
  const [first, second, third] = pods;
  if (first)
    Object.assign(first, { ready: false, restarts: 7, waitingReason: 'CrashLoopBackOff', lastTerminationReason: 'OOMKilled', createdAt: minutesAgo(42) });
  if (second) Object.assign(second, { createdAt: minutesAgo(3) });
  if (third) Object.assign(third, { createdAt: minutesAgo(2 * 24 * 60) });
  h.gateway.events.set('chat', [
    {
      objectKind: 'Pod',
      objectName: first?.name ?? 'pod',
      reason: 'BackOff',
      message: 'Back-off restarting failed container mattermost',
      type: 'Warning',
      count: 12,
      lastSeen: minutesAgo(1),
    },
  ]);
  return h;
}

const crashLoop: Incident = {
  key: 'crash-loop:chat/mattermost:mattermost',
  source: 'rules',
  installation: { namespace: 'chat', name: 'mattermost' },
  rule: 'crash-loop',
  severity: 'critical',
  title: 'container mattermost is crash-looping (2 pods)',
  since: minutesAgo(7),
  affected: ['mattermost-5d8f7c9b4-xxxx0', 'mattermost-5d8f7c9b4-xxxx1'],
  evidence: {
    facts: [
      { label: 'exit code', value: '137 (OOMKilled)' },
      { label: 'image', value: 'mattermost/mattermost-enterprise-edition:9.9.0' },
    ],
    lines: ['09:00:05 Pod/mattermost-5d8f7c9b4-xxxx0 BackOff: Back-off restarting failed container mattermost (x12)'],
  },
  state: 'open',
};

const changeNote = [text("began 2 min after @alice's upgrade chat/mattermost 9.8.1 -> 9.9.0"), code('upgrade mattermost 9.8.1')];
const previousLog = {
  pod: 'mattermost-5d8f7c9b4-xxxx0',
  container: 'mattermost',
  shown:
    '{"level":"error","msg":"Failed to ping DB","error":"dial tcp 10.0.0.9:5432: connect: connection refused"}\n{"level":"fatal","msg":"Error starting server"}',
};

/** Posts `reply` through the notifier with the plugin active; the post as Mattermost keeps it. */
async function sentWithCards(reply: Reply) {
  const n = cardNotifier(true);
  await n.notifier.post({ channel: 'c'.repeat(26) }, reply).delivery;
  return n.sent.map(asSent);
}

describe('card posts with the companion plugin active', () => {
  it('status: a troubled installation, golden in the shared fixtures', async () => {
    const { reply } = await troubledHarness().run('status mattermost', chatUser('alice'));
    const [post] = await sentWithCards(reply);
    expect(post?.type).toBe('custom_matterops_status');
    await expect(json(post)).toMatchFileSnapshot(fixture('status-troubled'));
  });

  it('status: a stable installation', async () => {
    const h = createHarness({ policy: admin });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const [post] = await sentWithCards((await h.run('status mattermost', chatUser('alice'))).reply);
    await expect(json(post)).toMatchFileSnapshot(fixture('status-stable'));
  });

  it('incident: an open root with its evidence, a resolved one, and one with a change note', async () => {
    const [open] = await sentWithCards(rootReply(crashLoop));
    expect(open?.type).toBe('custom_matterops_incident');
    await expect(json(open)).toMatchFileSnapshot(fixture('incident-open'));
    const [resolved] = await sentWithCards(rootReply({ ...crashLoop, state: 'resolved', resolvedAt: fixedNow }));
    await expect(json(resolved)).toMatchFileSnapshot(fixture('incident-resolved'));
    const [noted] = await sentWithCards(rootReply(crashLoop, { blocks: changeNote }));
    await expect(json(noted)).toMatchFileSnapshot(fixture('incident-change-note'));
  });

  it("incident: the previous container's log is the card's log tail, not its change note", async () => {
    const [post] = await sentWithCards(rootReply(crashLoop, { logTail: previousLog, blocks: changeNote }));
    const card = (post?.props as { matterops: { card: IncidentCard } }).matterops.card;
    expect(card.logTail).toEqual({ pod: previousLog.pod, container: previousLog.container, lines: previousLog.shown.split('\n') });
    expect(card.change).toBe("began 2 min after @alice's upgrade chat/mattermost 9.8.1 -> 9.9.0");
    await expect(json(post)).toMatchFileSnapshot(fixture('incident-log-tail'));
    const [unread] = await sentWithCards(rootReply(crashLoop, { logTail: { pod: 'mm-a', container: 'mattermost', unavailable: 'no previous container' } }));
    const unreadCard = (unread?.props as { matterops: { card: IncidentCard } }).matterops.card;
    expect(unreadCard.logTail).toEqual({ pod: 'mm-a', container: 'mattermost', unavailable: 'no previous container' });
    expect(unreadCard.change).toBeUndefined();
  });

  it('digest: a mixed fleet worst first, and one with open incidents', async () => {
    const mixed = createHarness();
    mixedFleet(mixed);
    const [post] = await sentWithCards((await mixed.run('digest')).reply);
    expect(post?.type).toBe('custom_matterops_digest');
    await expect(json(post)).toMatchFileSnapshot(fixture('digest-mixed'));
    const withIncidents = createHarness();
    await incidentFleet(withIncidents);
    const [incidents] = await sentWithCards((await withIncidents.run('digest')).reply);
    await expect(json(incidents)).toMatchFileSnapshot(fixture('digest-incidents'));
  });

  it('change: the progress post is a change card whose steps fill in as it is edited, and ends with the outcome', async () => {
    const h = createHarness({ policy: admin });
    h.gateway.seed('chat', 'mattermost', { replicas: 4 });
    const n = cardNotifier(true);
    const responder = createChatResponder({
      pipeline: h.pipeline,
      notifier: n.notifier,
      signer: createHmacSigner('k'),
      publicUrl: 'http://bot',
      logger: silentLogger,
    });
    const done = await responder.respond({ caller: chatUser('alice'), target: { channelId: 'c'.repeat(26) }, text: 'scale mattermost 5' }, true).done;
    expect(done?.error).toBeUndefined();
    await n.idle();
    const [create, ...edits] = n.sent;
    expect(create?.type).toBe('custom_matterops_change');
    // Every edit of the post is read as the post it makes: the create's type, the edit's text and props.
    const posts = [create, ...edits].map((b) => asSent({ ...b!, type: create?.type }));
    const steps = posts.map((p) => (p.props as { matterops?: { card: { steps: { state: string }[] } } }).matterops?.card.steps.map((s) => s.state));
    expect(steps[0]).toEqual(['running']);
    expect(steps.at(-1)?.every((s) => s === 'done')).toBe(true);
    await expect(json(posts[0])).toMatchFileSnapshot(fixture('change-running'));
    await expect(json(posts.at(-1))).toMatchFileSnapshot(fixture('change-done'));
  });

  it('change: a failed one marks the step it stopped at', async () => {
    const h = createHarness({ policy: admin, followTimeoutMs: 50 });
    h.gateway.seed('chat', 'mattermost', { replicas: 4 });
    h.gateway.autoSettle = false;
    const n = cardNotifier(true);
    const responder = createChatResponder({
      pipeline: h.pipeline,
      notifier: n.notifier,
      signer: createHmacSigner('k'),
      publicUrl: 'http://bot',
      logger: silentLogger,
    });
    const done = await responder.respond({ caller: chatUser('alice'), target: { channelId: 'c'.repeat(26) }, text: 'scale mattermost 5' }, true).done;
    expect(done?.error).toBe('unavailable');
    await n.idle();
    const last = n.sent.at(-1)!;
    const card = (last.props as { matterops: { card: { steps: { state: string }[]; outcome: { ok: boolean } } } }).matterops.card;
    expect(card.outcome.ok).toBe(false);
    expect(card.steps.at(-1)?.state).toBe('failed');
    await expect(json(asSent({ ...last, type: n.sent[0]?.type }))).toMatchFileSnapshot(fixture('change-failed'));
  });
});

describe('without the plugin', () => {
  it('every card reply is exactly the plain post it was before cards: no type, no card in props', async () => {
    const replies = [
      (await troubledHarness().run('status mattermost', chatUser('alice'))).reply,
      rootReply(crashLoop),
      rootReply(crashLoop, { logTail: previousLog, blocks: changeNote }),
    ];
    for (const reply of replies) {
      const n = cardNotifier(false);
      await n.notifier.post({ channel: 'c'.repeat(26) }, reply).delivery;
      const plain = renderPost({ ...reply, card: undefined });
      expect(n.sent.map(asSent)).toEqual([{ message: plain.message, type: '', props: plain.props }]);
    }
  });

  it("an incident root with the previous container's log reads as it did when the tail came in as lines: the tail, then the change note", () => {
    const asTail = renderPost({ ...rootReply(crashLoop, { logTail: previousLog, blocks: changeNote }), card: undefined });
    const asLines = renderPost({ ...rootReply(crashLoop, { blocks: [...logTailBlocks(previousLog), ...changeNote] }), card: undefined });
    expect(asTail).toEqual(asLines);
    expect(asTail.props.attachments[0]?.text).toContain("Previous container's log (mattermost-5d8f7c9b4-xxxx0, mattermost), last 2 lines:");
  });

  it('the change progress post is the plain line it was', async () => {
    const h = createHarness({ policy: admin });
    h.gateway.seed('chat', 'mattermost', { replicas: 4 });
    const n = cardNotifier(false);
    const responder = createChatResponder({
      pipeline: h.pipeline,
      notifier: n.notifier,
      signer: createHmacSigner('k'),
      publicUrl: 'http://bot',
      logger: silentLogger,
    });
    await responder.respond({ caller: chatUser('alice'), target: { channelId: 'c'.repeat(26) }, text: 'scale mattermost 5' }, true).done;
    await n.idle();
    expect(asSent(n.sent[0]!)).toEqual({ message: expect.stringContaining('scale mattermost 5') as unknown, type: '', props: {} });
    expect(n.sent.every((b) => b.type === undefined && !JSON.stringify(b.props ?? {}).includes('"matterops"'))).toBe(true);
  });
});

describe('secrets never reach a card', () => {
  it('an env set with a credential shows *** in the post and in its card alike', async () => {
    const h = createHarness({ policy: admin });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const n = cardNotifier(true);
    const responder = createChatResponder({
      pipeline: h.pipeline,
      notifier: n.notifier,
      signer: createHmacSigner('k'),
      publicUrl: 'http://bot',
      logger: silentLogger,
    });
    const secret = 'postgres://mmuser:hunter2secret@db.example.com/mattermost';
    await responder.respond(
      { caller: chatUser('alice'), target: { channelId: 'c'.repeat(26) }, text: `env mattermost set MM_CUSTOM_DSN=${secret} --yes` },
      true,
    ).done;
    await n.idle();
    expect(n.sent.length).toBeGreaterThan(0);
    expect(n.sent.some((b) => JSON.stringify(b.props ?? {}).includes('"matterops"'))).toBe(true);
    for (const body of n.sent) expect(JSON.stringify(body)).not.toContain('hunter2secret');
  });
});
