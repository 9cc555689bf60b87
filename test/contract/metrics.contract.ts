/**
 * What every Metrics recorder promises, run against the prom-client adapter (read back through a
 * scrape of its registry) and the fake (read back from what it kept): what is recorded is what is
 * shown, series are kept apart by their labels, sampled values are read at each look, a gauge's
 * series shows its last value until removed, and labels the catalog does not declare, or values
 * that are not short words (Kubernetes names for namespace and installation), are refused and
 * record nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  backupLastSuccessTimestampSeconds,
  chatOutboxDepth,
  chatRateLimitedTotal,
  commandDurationSeconds,
  commandsTotal,
  errorsTotal,
  incidentsOpen,
} from '../../src/core/metrics-catalog.ts';
import type { CounterSpec, GaugeSpec, HistogramSpec, LabelValues, Metrics } from '../../src/core/ports/metrics.ts';

export interface MetricsUnderTest {
  metrics: Metrics;
  /** A counter's or gauge's series as a reader of this recorder sees it (undefined when absent). */
  series: <L extends string>(metric: CounterSpec<L> | GaugeSpec<L>, labels: LabelValues<L>) => Promise<number | undefined>;
  observations: <L extends string>(histogram: HistogramSpec<L>, labels: LabelValues<L>) => Promise<{ count: number; sum: number }>;
}

/** A metric no catalog declares: a recorder must refuse it rather than invent its series. */
const undeclared: CounterSpec<'verb'> = { kind: 'counter', name: 'matterops_invented_total', help: 'not in the catalog', labels: ['verb'] };

export function metricsContract(name: string, makeRecorder: () => MetricsUnderTest): void {
  /** What the tests read: a series' value, 0 when it is absent. */
  const make = () => {
    const made = makeRecorder();
    const value = async <L extends string>(metric: CounterSpec<L> | GaugeSpec<L>, labels: LabelValues<L>): Promise<number> =>
      (await made.series(metric, labels)) ?? 0;
    return { ...made, value };
  };
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

    it("shows a gauge series' last value, apart from its neighbours, until it is removed", async () => {
      const { metrics, series } = make();
      metrics.set(incidentsOpen, { rule: 'crash-loop' }, 2);
      metrics.set(incidentsOpen, { rule: 'crash-loop' }, 3);
      metrics.set(incidentsOpen, { rule: 'oom-killed' }, 0);
      const chat = { namespace: 'chat', installation: 'mattermost' };
      metrics.set(backupLastSuccessTimestampSeconds, chat, 1_796_000_000);
      expect(await series(incidentsOpen, { rule: 'crash-loop' })).toBe(3);
      expect(await series(incidentsOpen, { rule: 'oom-killed' })).toBe(0);
      expect(await series(backupLastSuccessTimestampSeconds, chat)).toBe(1_796_000_000);
      metrics.remove(incidentsOpen, { rule: 'crash-loop' });
      metrics.remove(incidentsOpen, { rule: 'image-pull' }); // never set: nothing to remove
      expect(await series(incidentsOpen, { rule: 'crash-loop' })).toBeUndefined();
      expect(await series(incidentsOpen, { rule: 'oom-killed' })).toBe(0);
    });

    it('takes Kubernetes names for namespace and installation, and refuses anything else there', async () => {
      const { metrics, series } = make();
      const long = `mm-${'a'.repeat(58)}`; // 61 characters: a DNS label, too long for a word
      metrics.set(backupLastSuccessTimestampSeconds, { namespace: 'team-7', installation: long }, 1);
      expect(await series(backupLastSuccessTimestampSeconds, { namespace: 'team-7', installation: long })).toBe(1);
      for (const installation of ['Mattermost', 'mm.chat', 'a'.repeat(64), '', 'x; DROP']) {
        expect(() => metrics.set(backupLastSuccessTimestampSeconds, { namespace: 'chat', installation }, 1)).toThrow(/Kubernetes name/);
      }
      expect(() => metrics.set(incidentsOpen, { rule: long }, 1)).toThrow(/short lowercase word/);
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
