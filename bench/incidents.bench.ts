/**
 * Incident engine throughput (issue 12, Performance (a)): watch events per second through the
 * leader's real path against only decoding the same recorded stream (the ceiling), interleaved in
 * one process. No apiserver or Mattermost: pure CPU, one JS thread.
 *
 * Subject, per line: JSON.parse (what client-node's Watch does with each line), then the line is
 * handed to the adapter's informer (cluster-watch-informer.ts: its cache, the watch event) through
 * the smallest real seam, a ListWatchSource whose watches are this replay, and from there the
 * incident watch runnable (src/leader/incident-watch.ts) does what it does on the leader: the
 * installation's snapshot, the gather, the rules, the engine, the tracker and the thread keeper,
 * on a clock that follows the stream's times (step-clock.ts); the keeper writes to the fake state
 * store and posts to the fake notifier (test/fakes). Baseline: JSON.parse of every line.
 * Goals: >= 20,000 events/s, ratio >= 0.5. Run: node bench/incidents.bench.ts
 * (BENCH_ROUNDS=7, BENCH_INSTALLATIONS=100, BENCH_MINUTES=30, BENCH_GATHER_MS unset = the leader's
 * 200 ms; 0 judges after every event; BENCH_STORE=memory keeps state documents without their codec).
 */
import { loadavg } from 'node:os';
import { startInformer } from '../src/adapters/kubernetes/cluster-watch-informer.ts';
import type { ListWatchSource, StreamHandlers } from '../src/adapters/kubernetes/cluster-watch-source.ts';
import { defaultThresholds } from '../src/core/incidents/thresholds.ts';
import type { ClusterWatch, WatchedObject } from '../src/core/ports/cluster-watch.ts';
import type { StateDocument } from '../src/core/ports/state-store.ts';
import { silentLogger } from '../src/core/ports/logger.ts';
import { incidentWatch } from '../src/leader/incident-watch.ts';
import { FakeMetrics } from '../test/fakes/fake-metrics.ts';
import { FakeNotifier } from '../test/fakes/fake-notifier.ts';
import { FakeStateBackend, FakeStateStore } from '../test/fakes/fake-state-store.ts';
import { recordStream, type StreamLine } from './incident-stream.ts';
import { percentile } from './stats.ts';
import { StepClock } from './step-clock.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const installations = Number(process.env.BENCH_INSTALLATIONS ?? 100);
const minutes = Number(process.env.BENCH_MINUTES ?? 30);
const gatherMs = process.env.BENCH_GATHER_MS === undefined ? undefined : Number(process.env.BENCH_GATHER_MS);
const memoryStore = process.env.BENCH_STORE === 'memory';
const start = Date.parse('2026-11-27T09:00:00Z');

const yieldToPromises = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The fake store, counting what the keepers ask of it (each a decode, an update also an encode, of a whole document). */
class CountingStore extends FakeStateStore {
  reads = 0;
  updates = 0;
  /** Reads and updates by document, `incidents/threads` 10/5. */
  readonly byDocument = new Map<string, [number, number]>();
  override read<T>(doc: StateDocument<T>): Promise<{ value: T; version: string | undefined }> {
    this.count(doc.name, 0);
    return super.read(doc);
  }
  override update<T>(doc: StateDocument<T>, change: (current: T) => T, options?: { overwriteUnreadable?: boolean }): Promise<T> {
    this.count(doc.name, 1);
    return super.update(doc, change, options);
  }
  protected count(name: string, which: 0 | 1): void {
    if (which === 0) this.reads++;
    else this.updates++;
    const counts = this.byDocument.get(name) ?? [0, 0];
    counts[which]++;
    this.byDocument.set(name, counts);
  }
}

/**
 * BENCH_STORE=memory: the same counts, but values kept as they are, never encoded or decoded, to
 * tell the cost of the engine path from that of the state documents' codec (ports/state-codec.ts),
 * which the ConfigMap store runs on every read and update as the fake does.
 */
class MemoryStore extends CountingStore {
  private readonly values = new Map<string, unknown>();
  override async read<T>(doc: StateDocument<T>): Promise<{ value: T; version: string | undefined }> {
    this.count(doc.name, 0);
    await Promise.resolve();
    return { value: (this.values.get(doc.name) as T | undefined) ?? doc.initial(), version: undefined };
  }
  override async update<T>(doc: StateDocument<T>, change: (current: T) => T): Promise<T> {
    this.count(doc.name, 1);
    const next = change((this.values.get(doc.name) as T | undefined) ?? doc.initial());
    await Promise.resolve();
    this.values.set(doc.name, next);
    this.backend.plant(doc.name, '');
    return next;
  }
}

interface Leader {
  feed: (l: StreamLine) => void;
  clock: StepClock;
  notifier: FakeNotifier;
  store: CountingStore;
  stop: () => Promise<void>;
}

/** A leader's incident watch over a replayed stream; `feed` is one line as the Watch hands it on. */
async function leader(): Promise<Leader> {
  const clock = new StepClock(start);
  const streams = new Map<string, StreamHandlers>();
  const source: ListWatchSource = {
    list: () => Promise.resolve({ items: [], resourceVersion: '1000' }),
    watch: (spec, _rv, handlers) => (streams.set(spec.resource.plural, handlers), { close: () => streams.delete(spec.resource.plural) }),
  };
  const watch: ClusterWatch = { watch: (spec, handler) => startInformer(source, spec, handler, { clock, logger: silentLogger }) };
  const notifier = new FakeNotifier(['incidents']);
  const store = memoryStore ? new MemoryStore() : new CountingStore(new FakeStateBackend());
  let listed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (listed = resolve));
  const logger = { ...silentLogger, info: (_: unknown, message: string) => message.startsWith('incident watch: listed') && listed() };
  const runnable = incidentWatch({
    ...{ watch, store, notifier, thresholds: defaultThresholds, defaultChannel: 'incidents' },
    ...{ namespaces: undefined, clock, logger, metrics: new FakeMetrics(), ...(gatherMs === undefined ? {} : { gatherMs }) },
  });
  const controller = new AbortController();
  const running = runnable.start(controller.signal);
  await ready;
  const feed = (l: StreamLine): void => {
    const { type, object } = JSON.parse(l.line) as { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: WatchedObject };
    streams.get(l.plural)?.event({ type, object });
  };
  return { feed, clock, notifier, store, stop: () => (controller.abort(), running) };
}

/** One replay through the leader; the time from the first line until its last judgement is saved and posted. */
async function subject(stream: readonly StreamLine[]): Promise<{ ms: number; posts: number; store: string }> {
  const l = await leader();
  const t0 = performance.now();
  for (const line of stream) {
    if (l.clock.moveTo(line.at)) await yieldToPromises(); // a judgement ran: let its saves and posts go, as between socket reads
    l.feed(line);
  }
  l.clock.moveTo((stream.at(-1)?.at ?? start) + 6_000); // the last gather and a tick
  for (let i = 0; i < 20; i++) await yieldToPromises();
  const ms = performance.now() - t0;
  await l.stop();
  const threads = [...l.store.backend.groups.values()].reduce((n, g) => n + Object.values(g.data).reduce((m, t) => m + t.length, 0), 0);
  return {
    ms,
    posts: l.notifier.posts.length,
    store:
      `${l.store.reads} reads, ${l.store.updates} updates (${[...l.store.byDocument].map(([name, [r, u]]) => `${name} ${r}/${u}`).join(', ')}), ` +
      `${(threads / 1024).toFixed(0)} KiB stored at the end`,
  };
}

function baseline(stream: readonly StreamLine[]): number {
  const t0 = performance.now();
  let names = 0;
  for (const line of stream) names += (JSON.parse(line.line) as { object: WatchedObject }).object.metadata.name.length > 0 ? 1 : 0;
  if (names !== stream.length) throw new Error('a line without a name');
  return performance.now() - t0;
}

const stream = recordStream(installations, minutes, start);
const bytes = stream.reduce((n, l) => n + l.line.length, 0);
const perKind = Object.entries(Object.groupBy(stream, (l) => l.plural)).map(([k, v]) => `${k} ${v?.length ?? 0}`);
console.log(`stream: ${stream.length} lines, ${(bytes / 2 ** 20).toFixed(1)} MiB, ${installations} installations, ${minutes} min (${perKind.join(', ')})`);
console.log(
  `load average before: ${loadavg()[0]!.toFixed(2)}; gather ${gatherMs ?? 200} ms; store ${memoryStore ? 'in memory, no codec' : 'fake, with the codec'}`,
);

const subjects: number[] = [];
const baselines: number[] = [];
const posts = new Set<string>();
const cpu0 = process.cpuUsage();
let subjectWall = 0;
for (let r = -1; r < rounds; r++) {
  // Interleaved, order alternating; round -1 warms both up and is not counted.
  const b1 = r % 2 === 0 ? baseline(stream) : undefined;
  const s = await subject(stream);
  const b = b1 ?? baseline(stream);
  posts.add(`${s.posts} posts; state store: ${s.store}`);
  if (r < 0) continue;
  subjects.push(stream.length / (s.ms / 1000));
  baselines.push(stream.length / (b / 1000));
  subjectWall += s.ms + b;
}
const cpu = process.cpuUsage(cpu0);
const [s50, b50] = [percentile(subjects, 50), percentile(baselines, 50)];
console.log(`per replay: ${[...posts].join(' | ')} (one line: every round did the same)`);
console.log(
  `subject (decode + leader path) p50: ${Math.round(s50)} events/s (min ${Math.round(Math.min(...subjects))}, max ${Math.round(Math.max(...subjects))})`,
);
console.log(
  `baseline (decode only) p50:        ${Math.round(b50)} events/s (min ${Math.round(Math.min(...baselines))}, max ${Math.round(Math.max(...baselines))})`,
);
console.log(`ratio p50 (of the two p50s): ${(s50 / b50).toFixed(3)}; ${rounds} rounds`);
console.log(
  `CPU over wall, timed and untimed parts: ${((cpu.user + cpu.system) / 1000 / subjectWall).toFixed(2)}; load average after: ${loadavg()[0]!.toFixed(2)}`,
);
