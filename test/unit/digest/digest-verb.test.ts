/**
 * The digest for healthy, degraded and mixed fleets (issue 13), as `digest` previews it, golden
 * for the terminal and the Mattermost renderers; what "changed" says; restarts counted for 24 h.
 */
import { describe, expect, it } from 'vitest';
import { renderPost } from '../../../src/adapters/mattermost/render-post.ts';
import { buildDigest, seenOf } from '../../../src/core/digest/build-digest.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { chatUser, createHarness, fixedNow, minutesAgo, type Harness } from '../../support/core-harness.ts';
import { degradedFleet, healthyFleet, mixedFleet } from './digest-fleets.ts';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

describe.each([
  ['healthy', healthyFleet, 'good'],
  ['degraded', degradedFleet, 'warning'],
  ['mixed', mixedFleet, 'danger'],
] as const)('digest of a %s fleet', (kind, seed, tone) => {
  it('puts the worst first under its header, golden in the terminal and in Mattermost', async () => {
    const h = createHarness();
    seed(h);
    const { text, reply } = await h.run('digest');
    expect(reply.tone).toBe(tone);
    expect(reply.privately).toBe(true);
    await expect(text).toMatchFileSnapshot(`__golden__/digest-${kind}.txt`);
    await expect(json(renderPost(reply))).toMatchFileSnapshot(`__golden__/digest-${kind}.json`);
  });
});

describe('digest', () => {
  it('flips the header and lists the degraded one before the healthy ones', async () => {
    const h = createHarness();
    mixedFleet(h);
    const { text } = await h.run('digest');
    const order = ['RED broken/mattermost-broken', 'WATCH chat/mattermost', 'WATCH staging/mattermost-staging', 'team-b/mattermost-b: stable'].map((s) =>
      text.indexOf(s),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text.split('\n')[0]).toBe('RED: 1 red, 2 watch, 1 green');
  });

  it('shows only what the caller may status, and one installation by name', async () => {
    const policy = PolicySchema.parse({
      roles: { reader: { verbs: ['digest', 'status'] } },
      bindings: [{ role: 'reader', subjects: [{ user: 'bob' }], scope: { namespaces: ['chat'] } }],
    });
    const h = createHarness({ policy });
    mixedFleet(h);
    const all = await h.run('digest', chatUser('bob'));
    expect(all.text).toContain('chat/mattermost');
    expect(all.text).not.toContain('broken');
    const one = await h.run('digest mattermost', chatUser('bob'));
    expect(one.text).toContain('Digest preview of chat/mattermost');
  });

  it('says changes made through matterops in the last 24 h, with who', async () => {
    const h = createHarness();
    healthyFleet(h);
    await h.run('scale mattermost 3 --yes');
    const { text } = await h.run('digest');
    expect(text).toContain('chat/mattermost: stable, 9.9.0, 3/3 ready; changed: alice scale succeeded:');
  });

  it("says the last backup's age when backups are on", async () => {
    const { FakeBackupStore } = await import('../../fakes/fake-backup-store.ts');
    const store = new FakeBackupStore();
    const settings = {
      store: { endpoint: 'http://s3.invalid', bucket: 'b', region: 'us-east-1', prefix: '' },
      storeSecret: 's',
      adminSecret: 'a',
      runnerImage: 'matterops:0.1.0',
      serviceAccount: 'matterops-backup-runner',
      retention: {},
      jobTtlSeconds: 600,
    };
    const h: Harness = createHarness({ backups: { settings, store } });
    degradedFleet(h);
    const { text } = await h.run('digest');
    expect(text).toContain('last backup:');
  });
});

describe('buildDigest', () => {
  const h = createHarness();
  healthyFleet(h);

  async function facts() {
    const installations = await h.gateway.listInstallations();
    return Promise.all(
      installations.map(async (installation) => ({ installation, pods: await h.gateway.listPods(installation.namespace, installation.name), jobs: [] })),
    );
  }

  it('compares version and replicas with what the last digest showed, and counts nothing as a change when there is none', async () => {
    const first = buildDigest({ at: minutesAgo(60), cluster: 'c', scope: 'every installation', facts: await facts(), audit: [] });
    expect(first.changed).toBe(true); // a first digest is always news
    const previous = { at: minutesAgo(60), seen: seenOf(first) };
    const same = buildDigest({ at: fixedNow, cluster: 'c', scope: 'every installation', facts: await facts(), previous, audit: [] });
    expect(same.header).toBe('green');
    expect(same.changed).toBe(false);
    const moved = { ...previous, seen: { ...previous.seen, 'chat/mattermost': { health: 'green', version: '9.8.0', replicas: 1 } } };
    const changed = buildDigest({ at: fixedNow, cluster: 'c', scope: 'every installation', facts: await facts(), previous: moved, audit: [] });
    expect(changed.lines.find((l) => l.name === 'mattermost')?.changes).toEqual(['version 9.8.0 -> 9.9.0', 'replicas 1 -> 2']);
    expect(changed.changed).toBe(true);
  });

  it('counts restarts and OOMs of the last 24 h only', async () => {
    const all = await facts();
    const [first] = all;
    if (!first) throw new Error('no installation');
    const old = { ...first, pods: first.pods.map((p) => ({ ...p, restarts: 5, lastTerminationReason: 'OOMKilled', lastTerminatedAt: minutesAgo(25 * 60) })) };
    const d = buildDigest({ at: fixedNow, cluster: 'c', scope: 's', facts: [old], audit: [] });
    expect(d.lines[0]).toMatchObject({ restarts: 0, ooms: 0 });
    const fresh = { ...first, pods: first.pods.map((p) => ({ ...p, restarts: 5, lastTerminationReason: 'OOMKilled', lastTerminatedAt: minutesAgo(23 * 60) })) };
    expect(buildDigest({ at: fixedNow, cluster: 'c', scope: 's', facts: [fresh], audit: [] }).lines[0]).toMatchObject({
      restarts: 10,
      ooms: 2,
      health: 'watch',
    });
  });
});
