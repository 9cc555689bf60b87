/**
 * The prom-client adapter and the fake keep the same promises (test/contract/metrics.contract.ts);
 * the catalog follows Prometheus' naming conventions; a scrape carries the process metrics and
 * every declared metric's help and type, before anything was recorded.
 */
import { describe, expect, it } from 'vitest';
import { createPromMetrics } from '../../src/adapters/metrics/prom-metrics.ts';
import { errorCodes } from '../../src/core/errors.ts';
import { commandsTotal, metricsCatalog, verbLabel } from '../../src/core/metrics-catalog.ts';
import { auditPhases } from '../../src/core/ports/audit-log.ts';
import { createRegistry } from '../../src/core/registry.ts';
import { allVerbs } from '../../src/core/verbs/index.ts';
import { metricsContract } from '../contract/metrics.contract.ts';
import { FakeMetrics } from '../fakes/fake-metrics.ts';
import { seriesValue } from '../support/prom-text.ts';

metricsContract('prom-client', () => {
  const prom = createPromMetrics(metricsCatalog, { processMetrics: false });
  return {
    metrics: prom,
    series: async (metric, labels) => seriesValue(await prom.scrape(), metric.name, labels),
    observations: async (histogram, labels) => {
      const text = await prom.scrape();
      return { count: seriesValue(text, `${histogram.name}_count`, labels) ?? 0, sum: seriesValue(text, `${histogram.name}_sum`, labels) ?? 0 };
    },
  };
});

metricsContract('fake', () => {
  const fake = new FakeMetrics();
  return { metrics: fake, series: (m, l) => Promise.resolve(fake.series(m, l)), observations: (h, l) => Promise.resolve(fake.observations(h, l)) };
});

describe('the metrics catalog', () => {
  it.each(metricsCatalog.map((spec) => [spec.name, spec] as const))('%s follows the Prometheus naming conventions', (_name, spec) => {
    expect(spec.name).toMatch(/^matterops_[a-z][a-z0-9_]*[a-z0-9]$/);
    if (spec.kind === 'counter') expect(spec.name).toMatch(/_total$/);
    else expect(spec.name).not.toMatch(/_total$/);
    // Every histogram here measures time, in the base unit.
    if (spec.kind === 'histogram') expect(spec.name).toMatch(/_seconds$/);
    for (const label of spec.labels) expect(label).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(spec.help.length).toBeGreaterThan(10);
  });

  it('declares each name once', () => {
    expect(new Set(metricsCatalog.map((s) => s.name)).size).toBe(metricsCatalog.length);
  });

  it('labels a verb by its name (aliases too), and a word that names no verb "unknown"', () => {
    const registry = createRegistry(allVerbs);
    const find = (word: string): { name: string } | undefined => registry.find(word);
    expect(verbLabel('scale', find)).toBe('scale');
    expect(verbLabel('ls', find)).toBe('list');
    expect(verbLabel('DROP TABLE users', find)).toBe('unknown');
    expect(verbLabel(undefined, find)).toBe('unknown');
  });

  it('takes label values every recorder accepts: each verb name, outcome, phase and error code', () => {
    const words = [...allVerbs.map((v) => v.name), 'unknown', 'ok', 'pending', ...auditPhases, ...errorCodes];
    const fake = new FakeMetrics();
    for (const word of words) expect(() => fake.inc(commandsTotal, { verb: word, outcome: word })).not.toThrow();
  });
});

describe('the prom-client adapter', () => {
  it('exports every declared metric with its help and type, and the process metrics when asked', async () => {
    const text = await createPromMetrics(metricsCatalog, { processMetrics: true }).scrape();
    for (const spec of metricsCatalog) {
      expect(text).toContain(`# HELP ${spec.name} ${spec.help}`);
      expect(text).toContain(`# TYPE ${spec.name} ${spec.kind}`);
    }
    expect(seriesValue(text, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('keeps its series apart from another instance in the same process', async () => {
    const one = createPromMetrics(metricsCatalog, { processMetrics: true });
    const two = createPromMetrics(metricsCatalog, { processMetrics: true });
    one.inc(commandsTotal, { verb: 'list', outcome: 'ok' });
    expect(seriesValue(await one.scrape(), commandsTotal.name, { verb: 'list', outcome: 'ok' })).toBe(1);
    expect(seriesValue(await two.scrape(), commandsTotal.name, { verb: 'list', outcome: 'ok' })).toBeUndefined();
  });
});
