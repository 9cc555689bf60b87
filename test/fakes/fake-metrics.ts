/**
 * A Metrics recorder for unit tests: keeps what the core recorded and tells it back. Refuses what
 * the prom-client adapter refuses (test/contract/metrics.contract.ts runs against both).
 */
import { metricsCatalog } from '../../src/core/metrics-catalog.ts';
import {
  checkLabels,
  declared,
  type CounterSpec,
  type GaugeSpec,
  type HistogramSpec,
  type LabelValues,
  type MetricSpec,
  type Metrics,
} from '../../src/core/ports/metrics.ts';

export interface Observations {
  count: number;
  sum: number;
}

/** One series: a metric name and its label values, in the declared order. */
const seriesKey = (spec: MetricSpec, labels: Readonly<Record<string, string>>): string =>
  `${spec.name}{${spec.labels.map((name) => `${name}=${labels[name] ?? ''}`).join(',')}}`;

export class FakeMetrics implements Metrics {
  private readonly counters = new Map<string, number>();
  private readonly histograms = new Map<string, Observations>();
  private readonly readers = new Map<string, () => number>();
  private readonly gauges = new Map<string, number>();
  private readonly catalog: readonly MetricSpec[];

  constructor(catalog: readonly MetricSpec[] = metricsCatalog) {
    this.catalog = catalog;
  }

  inc<L extends string>(counter: CounterSpec<L>, labels: LabelValues<L>, by = 1): void {
    checkLabels(declared(this.catalog, counter), labels);
    if (by < 0) throw new Error(`counter ${counter.name} cannot go down (by ${by})`);
    const key = seriesKey(counter, labels);
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  observe<L extends string>(histogram: HistogramSpec<L>, labels: LabelValues<L>, value: number): void {
    checkLabels(declared(this.catalog, histogram), labels);
    const key = seriesKey(histogram, labels);
    const seen = this.histograms.get(key) ?? { count: 0, sum: 0 };
    this.histograms.set(key, { count: seen.count + 1, sum: seen.sum + value });
  }

  sample(metric: GaugeSpec | CounterSpec, read: () => number): void {
    this.readers.set(declared(this.catalog, metric).name, read);
  }

  set<L extends string>(gauge: GaugeSpec<L>, labels: LabelValues<L>, value: number): void {
    checkLabels(declared(this.catalog, gauge), labels);
    this.gauges.set(seriesKey(gauge, labels), value);
  }

  remove<L extends string>(gauge: GaugeSpec<L>, labels: LabelValues<L>): void {
    checkLabels(declared(this.catalog, gauge), labels);
    this.gauges.delete(seriesKey(gauge, labels));
  }

  /** A counter's or gauge's value now, as a scrape would show it (0 for a series never recorded). */
  value<L extends string>(metric: CounterSpec<L> | GaugeSpec<L>, labels: LabelValues<L>): number {
    return this.series(metric, labels) ?? 0;
  }

  /** A series' value now, or undefined when a scrape would not show it (never set, or removed). */
  series<L extends string>(metric: CounterSpec<L> | GaugeSpec<L>, labels: LabelValues<L>): number | undefined {
    const read = this.readers.get(metric.name);
    if (read) return read();
    const key = seriesKey(metric, labels);
    return metric.kind === 'gauge' ? this.gauges.get(key) : this.counters.get(key);
  }

  /** How many observations a histogram series has, and their sum. */
  observations<L extends string>(histogram: HistogramSpec<L>, labels: LabelValues<L>): Observations {
    return this.histograms.get(seriesKey(histogram, labels)) ?? { count: 0, sum: 0 };
  }
}
