/**
 * The Metrics port on prom-client: one registry of its own (not prom-client's global one, so two
 * bots in one test process do not share series), holding exactly the catalog the core declares,
 * and, when asked, prom-client's process metrics (CPU, memory, event loop lag, handles).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { checkLabels, declared, type MetricSpec, type Metrics } from '../../core/ports/metrics.ts';

export interface PromMetrics extends Metrics {
  readonly registry: Registry;
  /** The registry in Prometheus' text format, as `/metrics` serves it with `contentType`. */
  scrape(): Promise<string>;
  readonly contentType: string;
}

export interface PromMetricsOptions {
  /** Adds prom-client's `process_*` and `nodejs_*` metrics (serve does; tests may not need them). */
  processMetrics: boolean;
}

type PromMetric = Counter | Gauge | Histogram;

export function createPromMetrics(catalog: readonly MetricSpec[], options: PromMetricsOptions): PromMetrics {
  const registry = new Registry();
  const readers = new Map<string, () => number>();
  const made = new Map<string, PromMetric>();
  for (const spec of catalog) made.set(spec.name, promMetric(spec, registry, readers));
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const metricOf = <M extends PromMetric>(spec: MetricSpec): M => made.get(declared(catalog, spec).name) as M;

  return {
    registry,
    contentType: registry.contentType,
    scrape: () => registry.metrics(),
    inc(counter, labels, by = 1) {
      checkLabels(counter, labels);
      metricOf<Counter>(counter).inc(labels, by);
    },
    observe(histogram, labels, value) {
      checkLabels(histogram, labels);
      metricOf<Histogram>(histogram).observe(labels, value);
    },
    sample(metric, read) {
      readers.set(declared(catalog, metric).name, read);
    },
    set(gauge, labels, value) {
      checkLabels(gauge, labels);
      metricOf<Gauge>(gauge).set(labels, value);
    },
    remove(gauge, labels) {
      checkLabels(gauge, labels);
      metricOf<Gauge>(gauge).remove(labels);
    },
  };
}

/** A prom-client metric for `spec`; sampled ones take their value from the reader at each scrape. */
function promMetric(spec: MetricSpec, registry: Registry, readers: ReadonlyMap<string, () => number>): PromMetric {
  const common = { name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [registry] };
  switch (spec.kind) {
    case 'histogram':
      return new Histogram({ ...common, buckets: [...spec.buckets] });
    case 'gauge':
      return new Gauge({
        ...common,
        collect() {
          const read = readers.get(spec.name);
          if (read) this.set(read());
        },
      });
    case 'counter':
      return new Counter({
        ...common,
        // A counter kept elsewhere is copied in whole at each scrape (prom-client counters only add).
        collect() {
          const read = readers.get(spec.name);
          if (read) {
            this.reset();
            this.inc(read());
          }
        },
      });
  }
}
