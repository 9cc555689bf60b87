/**
 * Metrics as a port (prom-client in the adapter, a recorder in tests). The core names every metric
 * it records (metrics-catalog.ts): an adapter only exports what it is handed, so no name, help text
 * or label is invented at the edge. Label values come from bounded sets (verbs, outcomes, phases,
 * error codes, rule names, the installations the bot watches), never from what a user typed: a
 * secret or a message must not become a series.
 */
import { dnsLabel } from '../model/patterns.ts';

/** The values of a metric's labels, one per declared label name. */
export type LabelValues<L extends string> = { readonly [K in L]: string };

interface MetricSpecBase<L extends string> {
  /** Prometheus conventions: `matterops_` first, `_total` on counters, base units (`_seconds`). */
  readonly name: string;
  readonly help: string;
  readonly labels: readonly L[];
}

export interface CounterSpec<L extends string = never> extends MetricSpecBase<L> {
  readonly kind: 'counter';
}
export interface HistogramSpec<L extends string = never> extends MetricSpecBase<L> {
  readonly kind: 'histogram';
  /** Upper bounds of the buckets, ascending, in the metric's unit. */
  readonly buckets: readonly number[];
}
/**
 * A value now: read when metrics are scraped (a queue's depth, `sample`), or, with labels, set per
 * series where the thing changes (`set`, `remove`: open incidents by rule).
 */
export interface GaugeSpec<L extends string = never> extends MetricSpecBase<L> {
  readonly kind: 'gauge';
}

export type MetricSpec = CounterSpec<string> | HistogramSpec<string> | GaugeSpec<string>;

export interface Metrics {
  /** Adds `by` (default 1) to a counter. */
  inc<L extends string>(counter: CounterSpec<L>, labels: LabelValues<L>, by?: number): void;
  /** Records one observation of a histogram (a duration in seconds). */
  observe<L extends string>(histogram: HistogramSpec<L>, labels: LabelValues<L>, value: number): void;
  /**
   * Reads `read()` at every scrape: a gauge's current value, or the running total of a counter kept
   * by someone else (the post queue's rate-limited sends). A later call replaces the reader.
   */
  sample(metric: GaugeSpec | CounterSpec, read: () => number): void;
  /** Sets one series of a gauge to `value` (it stays until set again or removed). */
  set<L extends string>(gauge: GaugeSpec<L>, labels: LabelValues<L>, value: number): void;
  /** Removes one series of a gauge (an installation gone, a replica that stopped leading); absent is fine. */
  remove<L extends string>(gauge: GaugeSpec<L>, labels: LabelValues<L>): void;
}

/** A label value is a short lowercase word: a verb, an outcome, a phase, an error code, a rule. */
const boundedValue = /^[a-z][a-z0-9_-]{0,39}$/;
/**
 * Labels that name a Kubernetes object take its name (a DNS label): their values come from the
 * cluster (the installations the bot watches), never from what a user typed.
 */
const kubernetesNameLabels: ReadonlySet<string> = new Set(['namespace', 'installation']);
const valueFits = (label: string, value: string): boolean => (kubernetesNameLabels.has(label) ? dnsLabel : boundedValue).test(value);

/**
 * Refuses labels the metric does not declare, declared labels left out, and values that are not
 * short words (user text, a secret). Both the adapter and the fake call it, so they refuse alike;
 * a refusal is a bug in the core's recording code, never a user's doing.
 */
export function checkLabels(spec: MetricSpec, labels: Readonly<Record<string, string>>): void {
  const given = Object.keys(labels);
  const unknown = given.filter((name) => !spec.labels.includes(name));
  const missing = spec.labels.filter((name) => !given.includes(name));
  if (unknown.length || missing.length) {
    throw new Error(`metric ${spec.name} has labels [${spec.labels.join(', ')}]; got unknown [${unknown.join(', ')}], missing [${missing.join(', ')}]`);
  }
  const loose = given.filter((name) => !valueFits(name, labels[name] ?? ''));
  if (loose.length)
    throw new Error(`metric ${spec.name}: label ${loose.join(', ')} must be a short lowercase word (a Kubernetes name for namespace, installation)`);
}

/** A metric that no recorder was built with is refused: every name comes from the catalog. */
export function declared<S extends MetricSpec>(catalog: readonly MetricSpec[], spec: S): S {
  if (!catalog.includes(spec)) throw new Error(`metric ${spec.name} is not in the catalog this recorder was built with`);
  return spec;
}

/** Records nothing: for entry points that export no metrics (the terminal, one-shot `run`). */
export const noMetrics: Metrics = { inc: () => undefined, observe: () => undefined, sample: () => undefined, set: () => undefined, remove: () => undefined };
