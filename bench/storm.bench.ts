/**
 * An incident storm (issue 16): 100 incidents opened within 10 s, then an update for every fourth
 * and a resolution for all, fed to the keepers the leader runs (incidentKeepers of
 * src/leader/incident-watch.ts: the thread keeper behind the list keeper) just below the
 * Kubernetes watch, so the shared sandbox's operator makes no installation. Everything past that
 * seam is real: the ConfigMap StateStore on the sandbox apiserver (a state namespace of the
 * round's own) and the Mattermost notifier (outbox, server pacer) posting to the sandbox
 * Mattermost, in a fresh channel per round. Openings come in batches of BENCH_BATCH (10; it must
 * divide 10) spaced as the watch's gather would judge them (10 per second: gatherMaxMs 1 s).
 *
 * Measured: from the first change to the last post or edit alice's websocket is sent; the roots
 * (expected: the first 10 incidents' own, then one storm post), the storm post's final text and
 * the list kept in the state namespace (all 90 others, resolved), every reply in the right thread,
 * in order per thread, none lost or duplicated (read back over REST); the bench process's peak RSS
 * (it runs the keepers, notifier and store). Baseline in the same run, interleaved: the same posts,
 * replies and edits made straight to Mattermost with the bot's token on the same schedule, order
 * kept per thread (threads in parallel). Run: node bench/storm.bench.ts (BENCH_ROUNDS, default 3;
 * BENCH_RATE_LIMIT=on restarts Mattermost with rate limiting at its defaults: a sandbox of your own).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createConfigMapStateStore } from '../src/adapters/kubernetes/configmap-state-store.ts';
import { MattermostApi } from '../src/adapters/mattermost/mattermost-api.ts';
import { createMattermostNotifier } from '../src/adapters/mattermost/mattermost-notifier.ts';
import { ServerPacer } from '../src/adapters/mattermost/server-pacer.ts';
import type { IncidentChange } from '../src/core/incidents/incident-change.ts';
import type { Incident } from '../src/core/incidents/incident.ts';
import { threadsDocument } from '../src/core/incidents/thread-document.ts';
import { defaultThresholds } from '../src/core/incidents/thresholds.ts';
import { systemClock } from '../src/core/ports/clock.ts';
import type { Logger } from '../src/core/ports/logger.ts';
import { incidentKeepers } from '../src/leader/incident-watch.ts';
import { MattermostRest } from '../test/sandbox/mattermost-rest.ts';
import { restartMattermost } from '../test/sandbox/sandbox.ts';
import { waitFor } from '../test/sandbox/wait.ts';
import { grantStateRights } from '../test/support/state-rights.ts';
import { watchPosts, type SeenPost } from './post-watch.ts';
import { peakRssMiB } from './rss-poll.ts';
import { percentile } from './stats.ts';
import { withSandbox } from './with-sandbox.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const batch = Number(process.env.BENCH_BATCH ?? 10);
/** BENCH_RATE_LIMIT=on restarts the sandbox's Mattermost with rate limiting on at its defaults (and off after): a sandbox of your own only. */
const rateLimit = process.env.BENCH_RATE_LIMIT === 'on';
/** Rest before each run: with rate limiting on, long enough for the bucket (10 per second, burst 100) to be full again. */
const restMs = rateLimit ? 12_000 : 1_000;
/** Restarts Mattermost with rate limiting on, or back to its default (off), only when BENCH_RATE_LIMIT=on. */
const mattermostRateLimit = async (on: boolean): Promise<void> => {
  if (rateLimit) await restartMattermost(on ? { MM_RATELIMITSETTINGS_ENABLE: 'true' } : {});
};
if (10 % batch !== 0) throw new Error('BENCH_BATCH must divide 10, so the first 10 incidents are a batch boundary');
const total = 100;
const rooted = defaultThresholds.stormCount; // the first 10 get a root each; the 11th makes the storm
const updated = (i: number): boolean => i % 4 === 0;
const updatesAtMs = 10_000;
const resolutionsAtMs = 11_000;
const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const two = (i: number): string => String(i).padStart(2, '0');

/** What one round saw. */
interface Run {
  /** From the first change to the last post or edit seen, ms. */
  lastVisibleMs: number;
  /** From the last change given to the last post or edit seen, ms. */
  drainMs: number;
  /** Bot only: from the last change given until every change was saved in the store and queued for posting, ms. */
  queuedMs?: number;
  roots: number;
  replies: number;
  edits: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  problems: string[];
  peakMiB?: number;
  logged?: number;
}

/** A reply's meaning, read back from its words: which incident, and whether an update or a resolution. */
const unescaped = (s: string): string => s.replace(/\\(.)/g, '$1');
const incidentIn = (message: string): number | undefined => {
  const m = /inc-(\d\d)/.exec(unescaped(message));
  return m ? Number(m[1]) : undefined;
};

/** What each thread should hold, in order: `u NN` (update) and `r NN` (resolution). */
function expectedThreads(): { own: Map<number, string[]>; storm: string[] } {
  const own = new Map<number, string[]>();
  for (let i = 0; i < rooted; i++) own.set(i, [...(updated(i) ? [`u ${two(i)}`] : []), `r ${two(i)}`]);
  const storm: string[] = [];
  for (let i = rooted; i < total; i++) if (updated(i)) storm.push(`u ${two(i)}`);
  for (let i = rooted; i < total; i++) storm.push(`r ${two(i)}`);
  return { own, storm };
}

/** One round's figures, as printed. */
const line = (run: Run): string =>
  [
    `last visible ${run.lastVisibleMs.toFixed(0)} ms (${run.drainMs.toFixed(0)} after the last change), ${run.roots} roots, ${run.replies} replies, ${run.edits} edits seen`,
    ...(run.queuedMs !== undefined ? [`all saved and queued ${run.queuedMs.toFixed(0)} ms after the last change`] : []),
    `lost ${run.lost}, duplicated ${run.duplicated}, out of order ${run.outOfOrder}`,
    ...(run.peakMiB ? [`peak RSS ${run.peakMiB.toFixed(1)} MiB`] : []),
    ...(run.logged ? [`${run.logged} warnings/errors logged`] : []),
    ...(run.problems.length ? [`PROBLEMS: ${run.problems.join('; ')}`] : []),
  ].join(', ');

/** With rate limiting on, the bench's own reads spend the same bucket (by remote address): a 429 is waited out. */
const patient = (rest: MattermostRest): Pick<MattermostRest, 'call'> => ({
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (;;) {
      try {
        return await rest.call<T>(method, path, body);
      } catch (error) {
        if (!/answered 429/.test((error as Error).message)) throw error;
        await sleep(1_000);
      }
    }
  },
});

await withSandbox(async (env) => {
  const [url, botId, botToken] = ['MM_URL', 'MM_BOT_USER_ID', 'MM_BOT_TOKEN'].map((name) => env[name] ?? '') as [string, string, string];
  const rest = new MattermostRest(url, env.MM_ADMIN_TOKEN);
  const admin = patient(rest);
  await mattermostRateLimit(rateLimit);
  const kc = (context: string): KubeConfig => {
    const k = new KubeConfig();
    k.loadFromFile(env.KUBECONFIG ?? '');
    k.setCurrentContext(context);
    return k;
  };
  const core = kc('sandbox').makeApiClient(CoreV1Api);
  const namespaces: string[] = [];
  const watch = await watchPosts(url, env.MM_TOKEN_ALICE ?? '');

  const newChannel = async (): Promise<string> => {
    const made = await admin.call<{ id: string }>('POST', '/channels', {
      team_id: env.MM_TEAM_ID,
      name: `storm-${randomBytes(3).toString('hex')}`,
      display_name: 'storm bench',
      type: 'O',
    });
    for (const user of [botId, env.MM_USER_ID_ALICE]) await admin.call('POST', `/channels/${made.id}/members`, { user_id: user });
    return made.id;
  };
  /** A bench-only state namespace, with the bot's state rights there (as deploy/rbac.yaml grants). */
  const newNamespace = async (): Promise<string> => {
    const name = `storm-bench-${randomBytes(3).toString('hex')}`;
    await core.createNamespace({ body: { metadata: { name, labels: { 'matterops.io/test': 'true' } } } });
    await grantStateRights(kc('sandbox'), kc('sandbox-bot'), name);
    namespaces.push(name);
    return name;
  };

  /** Reads the channel back over REST and checks roots, threads, order, losses and duplicates. */
  async function check(channel: string, isStorm: (root: { message: string }) => boolean): Promise<Omit<Run, 'lastVisibleMs' | 'drainMs' | 'edits'>> {
    const page = await admin.call<{
      posts: Record<string, { id: string; root_id: string; user_id: string; type: string; message: string; create_at: number }>;
    }>('GET', `/channels/${channel}/posts?per_page=200`);
    const posts = Object.values(page.posts)
      .filter((p) => !p.type && p.user_id === botId)
      .sort((a, b) => a.create_at - b.create_at);
    const roots = posts.filter((p) => !p.root_id);
    const problems: string[] = [];
    const stormRoots = roots.filter(isStorm);
    if (stormRoots.length !== 1) problems.push(`${stormRoots.length} storm posts`);
    const ownRoots = new Map<number, string>();
    for (const r of roots.filter((p) => !isStorm(p))) {
      const i = incidentIn(r.message);
      if (i === undefined || i >= rooted || ownRoots.has(i)) problems.push(`an unexpected root: ${r.message.slice(0, 80)}`);
      else ownRoots.set(i, r.id);
    }
    const { own, storm } = expectedThreads();
    // A reply in an incident's own thread names no installation (the root does): `own` is its incident.
    const said = (p: { message: string }, own?: number): string => `${/resolved after/.test(p.message) ? 'r' : 'u'} ${two(own ?? incidentIn(p.message) ?? -1)}`;
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    const compare = (where: string, expected: string[], got: string[]): void => {
      for (const e of expected) {
        const n = got.filter((g) => g === e).length;
        if (n === 0) lost++;
        if (n > 1) duplicated += n - 1;
      }
      const strays = got.filter((g) => !expected.includes(g));
      if (strays.length) problems.push(`${where}: ${strays.length} replies that belong elsewhere (${strays.slice(0, 3).join(', ')})`);
      const firsts = [...new Set(got.filter((g) => expected.includes(g)))];
      const wanted = expected.filter((e) => firsts.includes(e));
      firsts.forEach((g, k) => {
        if (g !== wanted[k]) outOfOrder++;
      });
    };
    for (const [i, expected] of own) {
      const root = ownRoots.get(i);
      if (!root) {
        lost += expected.length + 1;
        continue;
      }
      compare(
        `inc-${two(i)}'s thread`,
        expected,
        posts.filter((p) => p.root_id === root).map((p) => said(p, i)),
      );
    }
    const stormRoot = stormRoots[0];
    if (stormRoot)
      compare(
        'the storm thread',
        storm,
        posts.filter((p) => p.root_id === stormRoot.id).map((p) => said(p)),
      );
    else lost += storm.length + 1;
    return { roots: roots.length, replies: posts.length - roots.length, lost, duplicated, outOfOrder, problems };
  }

  /** Waits until `done` holds for what alice was sent (then 2 s more, for duplicates and late edits); the last event's time. */
  async function settle(channel: string, t0: number, done: (posts: SeenPost[], edits: SeenPost[]) => boolean): Promise<{ last: number; edits: number }> {
    const set = new Set([channel]);
    await waitFor(() => Promise.resolve(done(watch.since(t0, set, botId), watch.editsSince(t0, set, botId)) ? true : undefined), {
      what: 'the storm delivered',
      timeoutMs: 180_000,
      intervalMs: 20,
    }).catch(() => undefined);
    await sleep(2_000);
    const events = [...watch.since(t0, set, botId), ...watch.editsSince(t0, set, botId)];
    return { last: Math.max(...events.map((e) => e.at)), edits: watch.editsSince(t0, set, botId).length };
  }

  /** The last version of each post alice was sent, by id. */
  const latest = (posts: SeenPost[], edits: SeenPost[]): Map<string, SeenPost> => {
    const m = new Map<string, SeenPost>();
    for (const p of [...posts, ...edits].sort((a, b) => a.at - b.at)) m.set(p.id, p);
    return m;
  };
  const stormHeading = /Incident storm/;

  /** The bot's side: the leader's keepers, the real store and notifier. */
  async function botRun(): Promise<Run> {
    const channel = await newChannel();
    const namespace = await newNamespace();
    let logged = 0;
    const counting: Logger = { info: () => undefined, warn: () => logged++, error: () => logged++ };
    const pacer = new ServerPacer({ clock: systemClock });
    const api = new MattermostApi(url, botToken, { onAnswer: (a) => pacer.answered(a), clock: systemClock });
    const notifier = createMattermostNotifier({ api, clock: systemClock, logger: counting, userId: botId, pacer });
    const store = createConfigMapStateStore(kc('sandbox-bot'), namespace);
    const { keeper, lists } = incidentKeepers({
      store,
      notifier,
      // No per-channel cap: the bench compares the keepers and the store with a plain client on the
      // same schedule; the cap (20 a minute by default) would pace this storm's 136 posts on purpose.
      thresholds: { ...defaultThresholds, channelRatePerMinute: 0 },
      defaultChannel: channel,
      clock: systemClock,
      logger: counting,
    });
    await lists.watching(); // a leader watching already: these openings are news, not a baseline

    const incident = (i: number, at: Date): Incident => ({
      key: `crash-loop:${namespace}/inc-${two(i)}`,
      source: 'rules',
      installation: { namespace, name: `inc-${two(i)}` },
      rule: 'crash-loop',
      severity: 'critical',
      title: '1 pod in CrashLoopBackOff',
      since: at,
      affected: [`inc-${two(i)}-0`],
      evidence: { facts: [{ label: 'exit code', value: '1' }], lines: [] },
      state: 'open',
    });
    const { result, peakMiB } = await peakRssMiB(process.pid, async () => {
      const t0 = performance.now();
      const applied: Promise<void>[] = [];
      const opened = new Map<number, Incident>();
      for (let b = 0; b < total / batch; b++) {
        await sleep(t0 + b * batch * 100 - performance.now());
        const changes: IncidentChange[] = [];
        for (let i = b * batch; i < (b + 1) * batch; i++) {
          opened.set(i, incident(i, systemClock.now()));
          changes.push({ kind: 'opened', incident: opened.get(i) as Incident });
        }
        applied.push(keeper.apply(changes));
      }
      await sleep(t0 + updatesAtMs - performance.now());
      const updates: IncidentChange[] = [];
      for (const [i, was] of opened) {
        if (!updated(i)) continue;
        const now = { ...was, title: '2 pods in CrashLoopBackOff', affected: [`inc-${two(i)}-0`, `inc-${two(i)}-1`] };
        opened.set(i, now);
        updates.push({ kind: 'updated', incident: now });
      }
      applied.push(keeper.apply(updates));
      await sleep(t0 + resolutionsAtMs - performance.now());
      const resolvedAt = systemClock.now();
      applied.push(keeper.apply([...opened.values()].map((i) => ({ kind: 'resolved' as const, incident: { ...i, state: 'resolved' as const, resolvedAt } }))));
      const lastChange = performance.now();
      await Promise.all(applied);
      const queuedMs = performance.now() - lastChange;
      const { last, edits } = await settle(channel, t0, (posts, edited) => {
        if (posts.length < 136) return false;
        const now = [...latest(posts, edited).values()].filter((p) => !p.root);
        const storm = now.find((p) => stormHeading.test(p.message));
        return (
          storm !== undefined &&
          /90 new incidents/.test(storm.message) &&
          !storm.body.includes('CRITICAL') &&
          now.filter((p) => /^\*\*RESOLVED/.test(p.message)).length === rooted
        );
      });
      return { t0, last, edits, lastChange, queuedMs };
    });
    notifier.close();
    const checked = await check(channel, (r) => stormHeading.test(r.message));
    // The storm post as alice reads it at the end, and the list kept for a next leader.
    const set = new Set([channel]);
    const finalStorm = [...latest(watch.since(result.t0, set, botId), watch.editsSince(result.t0, set, botId)).values()].find((p) =>
      stormHeading.test(p.message),
    );
    if (!finalStorm || !/90 new incidents/.test(finalStorm.message) || !/and 70 more/.test(finalStorm.body))
      checked.problems.push(`the storm post reads: ${finalStorm?.message.slice(0, 80) ?? 'nothing'}`);
    const { value } = await store.read(threadsDocument);
    const items = value.lists.flatMap((l) => l.items);
    const listedKeys = new Set(items.map((i) => incidentIn(i.where)));
    if (value.lists.length !== 1 || items.length !== total - rooted || listedKeys.size !== total - rooted || items.some((i) => i.state !== 'resolved'))
      checked.problems.push(
        `the kept list: ${value.lists.length} list(s), ${items.length} items, ${items.filter((i) => i.state !== 'resolved').length} not resolved`,
      );
    return {
      ...checked,
      lastVisibleMs: result.last - result.t0,
      drainMs: result.last - result.lastChange,
      queuedMs: result.queuedMs,
      edits: result.edits,
      peakMiB,
      logged,
    };
  }

  /** The same posts, replies and edits straight to Mattermost with the bot's token, same schedule, no bot code. */
  async function rawRun(): Promise<Run> {
    const channel = await newChannel();
    const send = async (method: 'POST' | 'PUT', path: string, body: unknown): Promise<string> => {
      for (;;) {
        const response = await fetch(`${url}/api/v4${path}`, {
          method,
          headers: { Authorization: `Bearer ${botToken}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        if (response.ok) return (JSON.parse(text) as { id: string }).id;
        if (response.status !== 429) throw new Error(`baseline ${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
        await sleep(Number(response.headers.get('Retry-After') ?? 1) * 1000);
      }
    };
    const create = (message: string, root?: string): Promise<string> =>
      send('POST', '/posts', { channel_id: channel, message, ...(root ? { root_id: root } : {}) });
    const edit = (id: string, message: string): Promise<string> => send('PUT', `/posts/${id}/patch`, { message });
    const t0 = performance.now();
    const roots = new Map<number, string>();
    let storm: string | undefined;
    const lanes: Promise<unknown>[] = [];
    const stormItems: number[] = [];
    const stormText = (): string => `**Incident storm: ${stormItems.length} new incidents** baseline`;
    for (let b = 0; b < total / batch; b++) {
      await sleep(t0 + b * batch * 100 - performance.now());
      const ids = Array.from({ length: batch }, (_, k) => b * batch + k);
      const own = ids.filter((i) => i < rooted);
      lanes.push(...own.map(async (i) => roots.set(i, await create(`**CRITICAL baseline/inc-${two(i)}: 1 pod in CrashLoopBackOff**`))));
      const listed = ids.filter((i) => i >= rooted);
      if (!listed.length) continue;
      stormItems.push(...listed);
      if (storm === undefined) storm = await create(stormText());
      else await edit(storm, stormText());
    }
    const stormId = storm ?? '';
    await Promise.all(lanes);
    // One lane per thread, in order within it: the update (with the root's edit), then the resolution.
    const ownLane = async (i: number, what: 'u' | 'r'): Promise<void> => {
      const root = roots.get(i) ?? '';
      await create(what === 'u' ? `now: 2 pods in CrashLoopBackOff inc-${two(i)}` : `resolved after 11 s: inc-${two(i)}`, root);
      await edit(root, `**${what === 'u' ? 'CRITICAL' : 'RESOLVED'} baseline/inc-${two(i)}: 2 pods in CrashLoopBackOff**`);
    };
    const stormLane = async (what: 'u' | 'r'): Promise<void> => {
      await edit(stormId, `${stormText()} ${what === 'r' ? 'resolved' : ''}`);
      for (let i = rooted; i < total; i++) {
        if (what === 'u' && !updated(i)) continue;
        await create(what === 'u' ? `now: baseline/inc-${two(i)}: 2 pods` : `resolved after 11 s: baseline/inc-${two(i)}`, stormId);
      }
    };
    await sleep(t0 + updatesAtMs - performance.now());
    const threads = new Map<string, Promise<void>>([...roots.keys()].filter(updated).map((i) => [`inc-${i}`, ownLane(i, 'u')]));
    threads.set('storm', stormLane('u'));
    await sleep(t0 + resolutionsAtMs - performance.now());
    const lastChange = performance.now();
    // Each thread's resolution after its update, as the bot's lane keeps them.
    for (const i of roots.keys())
      threads.set(
        `inc-${i}`,
        (threads.get(`inc-${i}`) ?? Promise.resolve()).then(() => ownLane(i, 'r')),
      );
    threads.set(
      'storm',
      (threads.get('storm') ?? Promise.resolve()).then(() => stormLane('r')),
    );
    await Promise.all(threads.values());
    const { last, edits } = await settle(channel, t0, (posts, edited) => {
      if (posts.length < 136) return false;
      const now = [...latest(posts, edited).values()].filter((p) => !p.root);
      return now.some((p) => / resolved$/.test(p.message)) && now.filter((p) => /^\*\*RESOLVED/.test(p.message)).length === rooted;
    });
    const checked = await check(channel, (r) => stormHeading.test(r.message));
    return { ...checked, lastVisibleMs: last - t0, drainMs: last - lastChange, edits };
  }

  const subject: Run[] = [];
  const baseline: Run[] = [];
  const load = [loadAverage()];
  const rssBefore = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
  try {
    for (let r = 0; r < rounds; r++) {
      for (const side of r % 2 === 0 ? ['bot', 'raw'] : ['raw', 'bot']) {
        await sleep(restMs);
        const run = side === 'bot' ? await botRun() : await rawRun();
        (side === 'bot' ? subject : baseline).push(run);
        console.log(`  round ${r + 1} ${side}: ${line(run)}`);
      }
    }
  } finally {
    watch.close();
    for (const name of namespaces) await core.deleteNamespace({ name }).catch(() => undefined);
    await mattermostRateLimit(false);
  }
  load.push(loadAverage());
  const p50 = (runs: Run[], f: (r: Run) => number): number => percentile(runs.map(f), 50);
  const sum = (runs: Run[], f: (r: Run) => number): number => runs.reduce((s, r) => s + f(r), 0);
  console.log(
    `\nincident storm${rateLimit ? ' (rate limiting on)' : ''}: ${total} opened in batches of ${batch} over 10 s, 25 updated at 10 s, all resolved at 11 s; ${rounds} rounds interleaved; load average ${load.join(' -> ')}`,
  );
  console.log(
    `  last post or edit visible  bot p50 ${p50(subject, (r) => r.lastVisibleMs).toFixed(0)} ms (max ${Math.max(...subject.map((r) => r.lastVisibleMs)).toFixed(0)})   straight p50 ${p50(baseline, (r) => r.lastVisibleMs).toFixed(0)} ms   ratio p50 ${(p50(subject, (r) => r.lastVisibleMs) / p50(baseline, (r) => r.lastVisibleMs)).toFixed(3)}`,
  );
  console.log(
    `  after the last change      bot p50 ${p50(subject, (r) => r.drainMs).toFixed(0)} ms   straight p50 ${p50(baseline, (r) => r.drainMs).toFixed(0)} ms   ratio p50 ${(p50(subject, (r) => r.drainMs) / p50(baseline, (r) => r.drainMs)).toFixed(3)}`,
  );
  console.log(
    `  bot: roots ${subject.map((r) => r.roots).join('/')}, replies ${subject.map((r) => r.replies).join('/')}, lost ${sum(subject, (r) => r.lost)}, duplicated ${sum(subject, (r) => r.duplicated)}, out of order ${sum(subject, (r) => r.outOfOrder)}, problems ${sum(subject, (r) => r.problems.length)}, peak RSS ${Math.max(...subject.map((r) => r.peakMiB ?? 0)).toFixed(1)} MiB (${rssBefore.toFixed(1)} before the first round)`,
  );
});
process.exit(0);
