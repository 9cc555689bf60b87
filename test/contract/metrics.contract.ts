/**
 * What every Metrics recorder promises, run against the prom-client adapter (read back through a
 * scrape of its registry) and the fake (read back from what it kept): what is recorded is what is
 * shown, series are kept apart by their labels, sampled values are read at each look, and labels
 * the catalog does not declare, or values that are not short words, are refused and record nothing.
 */
import { describe, expect, it } from 'vitest';
import { chatOutboxDepth, chatRateLimitedTotal, commandDurationSeconds, commandsTotal, errorsTotal } from '../../src/core/metrics-catalog.ts';
import type { CounterSpec, GaugeSpec, HistogramSpec, LabelValues, Metrics } from '../../src/core/ports/metrics.ts';

export interface MetricsUnderTest {
  metrics: Metrics;
  /** A counter's or gauge's value as a reader of this recorder sees it (0 when the series is absent). */
  value: <L extends string>(metric: CounterSpec<L> | GaugeSpec, labels: LabelValues<L>) => Promise<number>;
  observations: <L extends string>(histogram: HistogramSpec<L>, labels: LabelValues<L>) => Promise<{ count: number; sum: number }>;
}

/** A metric no catalog declares: a recorder must refuse it rather than invent its series. */
const undeclared: CounterSpec<'verb'> = { kind: 'counter', name: 'matterops_invented_total', help: 'not in the catalog', labels: ['verb'] };

export function metricsContract(name: string, make: () => MetricsUnderTest): void {
  describe(`Metrics contract: ${name}`, () => {
    it('shows each counter series with what was added to it, apart from its neighbours', async () => {
      const { metrics, value } = make();
      metrics.inc(commandsTotal, { verb: 'scale', outcome: 'ok' });
      metrics.inc(commandsTotal, { verb: 'scale', outcome: 'ok' });
      metrics.inc(commandsTotal, { verb: 'scale', outcome: 'pending' });
      metrics.inc(errorsTotal, { code: 'not_found' }, 3);
      expect(await value(commandsTotal, { verb: 'scale', outcome: 'ok' })).toBe(2);
      expect(await value(commandsTotal, { verb: 'scale', outcome: 'pending' })).toBe(1);
      expect(await value(commandsTotal, { verb: 'status', outcome: 'ok' })).toBe(0);
      expect(await value(errorsTotal, { code: 'not_found' })).toBe(3);
    });

    it('counts and sums the observations of a histogram series', async () => {
      const { metrics, observations } = make();
      for (const seconds of [0.02, 0.5, 3]) metrics.observe(commandDurationSeconds, { verb: 'status' }, seconds);
      const seen = await observations(commandDurationSeconds, { verb: 'status' });
      expect(seen.count).toBe(3);
      expect(seen.sum).toBeCloseTo(3.52, 6);
      expect((await observations(commandDurationSeconds, { verb: 'scale' })).count).toBe(0);
    });

    it('reads a sampled gauge and counter at each look, from the last reader given', async () => {
      const { metrics, value } = make();
      let depth = 4;
      metrics.sample(chatOutboxDepth, () => depth);
      metrics.sample(chatRateLimitedTotal, () => 7);
      expect(await value(chatOutboxDepth, {})).toBe(4);
      depth = 1;
      expect(await value(chatOutboxDepth, {})).toBe(1);
      metrics.sample(chatOutboxDepth, () => 9);
      expect(await value(chatOutboxDepth, {})).toBe(9);
      expect(await value(chatRateLimitedTotal, {})).toBe(7);
      expect(await value(chatRateLimitedTotal, {})).toBe(7); // read whole, not added up per look
    });

    it('refuses labels the metric does not declare, and declared ones left out', async () => {
      const { metrics, value } = make();
      expect(() => metrics.inc(errorsTotal, { code: 'usage', user: 'alice' } as never)).toThrow(/labels \[code\]; got unknown \[user\]/);
      expect(() => metrics.inc(commandsTotal, { verb: 'scale' } as never)).toThrow(/missing \[outcome\]/);
      expect(() => metrics.observe(commandDurationSeconds, { verb: 'scale', text: 'x' } as never, 1)).toThrow(/unknown \[text\]/);
      expect(await value(errorsTotal, { code: 'usage' })).toBe(0);
      expect(await value(commandsTotal, { verb: 'scale', outcome: 'ok' })).toBe(0);
    });

    it('refuses label values that are not short words: user text and secrets never become series', async () => {
      const { metrics, value } = make();
      for (const verb of ['scale mattermost 5', 'DB_PASSWORD=hunter2', 'Scale', '', 'x'.repeat(41)]) {
        expect(() => metrics.inc(commandsTotal, { verb, outcome: 'ok' })).toThrow(/short lowercase word/);
      }
      expect(await value(commandsTotal, { verb: 'scale', outcome: 'ok' })).toBe(0);
    });

    it('refuses a metric that is not in its catalog', () => {
      const { metrics } = make();
      expect(() => metrics.inc(undeclared, { verb: 'scale' })).toThrow(/not in the catalog/);
    });
  });
}
