/**
 * The digest for healthy, degraded and mixed fleets and one with open incidents (issue 13), as
 * `digest` previews it, golden for the terminal and the Mattermost renderers; what "changed" says
 * (incidents opened and resolved among it); restarts counted for 24 h.
 */
import { describe, expect, it } from 'vitest';
import { renderPost } from '../../../src/adapters/mattermost/render-post.ts';
import { buildDigest, seenOf } from '../../../src/core/digest/build-digest.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { chatUser, createHarness, fixedNow, minutesAgo, type Harness } from '../../support/core-harness.ts';
import { isQuiet } from '../../../src/core/model/digest.ts';
import { FakeStateStore } from '../../fakes/fake-state-store.ts';
import { degradedFleet, healthyFleet, incidentFleet, keepIncident, mixedFleet, threadOf } from './digest-fleets.ts';

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

describe('digest with open incidents', () => {
  const teamB = { namespace: 'team-b', name: 'mattermost-b' };

  it('golden in the terminal and in Mattermost: each incident with its age, muted ones marked, none about no installation', async () => {
    const h = createHarness();
    await incidentFleet(h);
    const { text, reply } = await h.run('digest');
    expect(reply.tone).toBe('danger');
    await expect(text).toMatchFileSnapshot('__golden__/digest-incidents.txt');
    await expect(json(renderPost(reply))).toMatchFileSnapshot('__golden__/digest-incidents.json');
  });

  it('an installation healthy by its verdict but with an open incident comes first and flips the header', async () => {
    const h = createHarness();
    healthyFleet(h);
    await keepIncident(h.state, { installation: teamB, since: minutesAgo(125) });
    const { text } = await h.run('digest');
    const lines = text.split('\n');
    expect(lines[0]).toBe('RED: 1 red, 2 green');
    expect(lines.find((l) => /^(RED|WATCH) /.test(l))).toBe('RED team-b/mattermost-b: stable, 1 open incident');
    expect(text).toMatch(/open incidents: +critical crash-loop: container mattermost is crash-looping \(2 pods\), open 2 h 5 min\n/);
    expect(text).not.toContain('- team-b/mattermost-b');
    expect(text).toContain('2 installations stable:');
  });

  it('a warning incident is WATCH, and of two of the same health the one with an incident comes first', async () => {
    const h = createHarness();
    h.gateway.seed('a', 'mattermost-a', { replicas: 1, state: 'reconciling' });
    h.gateway.seed('b', 'mattermost-b', { replicas: 1, state: 'reconciling' });
    await keepIncident(h.state, {
      installation: { namespace: 'b', name: 'mattermost-b' },
      rule: 'not-stable',
      severity: 'warning',
      title: 'reconciling, not stable',
      since: minutesAgo(11),
    });
    const { text } = await h.run('digest');
    expect(text.split('\n')[0]).toBe('WATCH: 2 watch');
    expect(text.indexOf('WATCH b/mattermost-b')).toBeLessThan(text.indexOf('WATCH a/mattermost-a'));
    expect(text).toContain('open incidents:   warning not-stable: reconciling, not stable, open 11 min');
  });

  it('shows no incident in a digest of another cluster than the one incidents are watched in', async () => {
    const h = createHarness();
    h.other.seed('team-b', 'mattermost-b', { replicas: 1 });
    await keepIncident(h.state, { installation: teamB, since: minutesAgo(125) });
    const { text } = await h.run('digest --cluster staging-cluster');
    expect(text.split('\n')[0]).toBe('GREEN: all 1 stable');
  });

  it('says when the incident state could not be read, and is then never quiet', async () => {
    class UnreadableStore extends FakeStateStore {
      override read<T>(): Promise<{ value: T; version: string | undefined }> {
        return Promise.reject(new Error('connection refused'));
      }
    }
    const h = createHarness({ state: new UnreadableStore() });
    healthyFleet(h);
    const { text } = await h.run('digest');
    expect(text.split('\n')[0]).toBe('GREEN: all 3 stable');
    expect(text).toContain('Open incidents are not shown: the incident state could not be read.');
    const facts = await Promise.all(
      (await h.gateway.listInstallations()).map(async (installation) => ({
        installation,
        pods: await h.gateway.listPods(installation.namespace, installation.name),
        jobs: [],
      })),
    );
    const first = buildDigest({ at: minutesAgo(60), cluster: 'c', scope: 's', facts, audit: [], incidents: { threads: [], mutes: { mutes: [] } } });
    const unread = buildDigest({
      at: fixedNow,
      cluster: 'c',
      scope: 's',
      facts,
      audit: [],
      previous: { at: minutesAgo(60), seen: seenOf(first) },
      incidents: 'unread',
    });
    expect(unread.changed).toBe(false);
    expect(isQuiet(unread)).toBe(false);
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

  it('counts an incident opened or resolved since the last digest as a change, and one still open as none', async () => {
    const all = await facts();
    const b = { namespace: 'team-b', name: 'mattermost-b' };
    const crash = threadOf({ installation: b, since: minutesAgo(90) });
    const at = (m: number) => ({ at: minutesAgo(m), cluster: 'c', scope: 'every installation', facts: all, audit: [] });
    const mutes = { mutes: [] };
    const green = buildDigest({ ...at(120), incidents: { threads: [], mutes } });
    const opened = buildDigest({ ...at(60), previous: { at: minutesAgo(120), seen: seenOf(green) }, incidents: { threads: [crash], mutes } });
    const lineB = (d: typeof green) => d.lines.find((l) => l.name === 'mattermost-b');
    expect(lineB(opened)?.changes).toEqual(['incident opened: container mattermost is crash-looping (2 pods)']);
    const still = buildDigest({ ...at(30), previous: { at: minutesAgo(60), seen: seenOf(opened) }, incidents: { threads: [crash], mutes } });
    expect(lineB(still)?.changes).toEqual([]);
    expect(still.changed).toBe(false);
    // Resolved and forgotten (past the cool-down): the last digest's record of it names it.
    const resolved = buildDigest({ ...at(0), previous: { at: minutesAgo(30), seen: seenOf(still) }, incidents: { threads: [], mutes } });
    expect(lineB(resolved)?.changes).toEqual(['incident resolved: container mattermost is crash-looping (2 pods)']);
    expect(resolved.header).toBe('green');
    expect(resolved.changed).toBe(true);
  });

  it('counts an incident that opened and resolved between two green digests, while the state keeps it', async () => {
    const all = await facts();
    const b = { namespace: 'team-b', name: 'mattermost-b' };
    const mutes = { mutes: [] };
    const first = buildDigest({ at: minutesAgo(60), cluster: 'c', scope: 's', facts: all, audit: [], incidents: { threads: [], mutes } });
    const blip = threadOf({ installation: b, since: minutesAgo(40), resolvedAt: minutesAgo(33) });
    const next = buildDigest({
      at: fixedNow,
      cluster: 'c',
      scope: 's',
      facts: all,
      audit: [],
      previous: { at: minutesAgo(60), seen: seenOf(first) },
      incidents: { threads: [blip], mutes },
    });
    expect(next.header).toBe('green');
    expect(next.lines.find((l) => l.name === 'mattermost-b')?.changes).toEqual([
      'incident resolved: container mattermost is crash-looping (2 pods), after 7 min',
    ]);
    expect(next.changed).toBe(true);
  });

  it('takes no incident as newly opened after a last digest that kept none (made before incidents were shown)', async () => {
    const all = await facts();
    const crash = threadOf({ installation: { namespace: 'team-b', name: 'mattermost-b' }, since: minutesAgo(90) });
    const old = { 'team-b/mattermost-b': { health: 'green', version: '10.5.1', replicas: 3 } };
    const d = buildDigest({
      at: fixedNow,
      cluster: 'c',
      scope: 's',
      facts: all,
      audit: [],
      previous: { at: minutesAgo(60), seen: old },
      incidents: { threads: [crash], mutes: { mutes: [] } },
    });
    const line = d.lines.find((l) => l.name === 'mattermost-b');
    expect(line?.changes).toEqual([]);
    expect(line?.health).toBe('red');
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
