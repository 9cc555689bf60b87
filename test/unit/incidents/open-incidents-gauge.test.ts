/** The open incidents' gauge: each rule's series as counted, set only when its count moved, removed when the source stops. */
import { describe, expect, it } from 'vitest';
import { OpenIncidentsGauge } from '../../../src/core/incidents/open-incidents-gauge.ts';
import { incidentsOpen } from '../../../src/core/metrics-catalog.ts';
import type { GaugeSpec, LabelValues } from '../../../src/core/ports/metrics.ts';
import { FakeMetrics } from '../../fakes/fake-metrics.ts';

/** The fake's gauge, counting the sets it is asked for. */
class CountedMetrics extends FakeMetrics {
  sets = 0;
  override set<L extends string>(gauge: GaugeSpec<L>, labels: LabelValues<L>, value: number): void {
    this.sets++;
    super.set(gauge, labels, value);
  }
}

describe('open incidents gauge', () => {
  it('shows each rule as counted and sets a series again only when its count moved', () => {
    const metrics = new CountedMetrics();
    const gauge = new OpenIncidentsGauge(metrics, ['crash-loop', 'oom-killed']);
    gauge.show([{ rule: 'crash-loop' }, { rule: 'crash-loop' }]);
    expect(metrics.series(incidentsOpen, { rule: 'crash-loop' })).toBe(2);
    expect(metrics.series(incidentsOpen, { rule: 'oom-killed' })).toBe(0);
    expect(metrics.sets).toBe(2);
    // An update's judgement: the same counts, nothing set.
    gauge.show([{ rule: 'crash-loop' }, { rule: 'crash-loop' }]);
    expect(metrics.sets).toBe(2);
    gauge.show([{ rule: 'crash-loop' }, { rule: 'oom-killed' }, { rule: 'image-pull' }]);
    expect(metrics.sets).toBe(5);
    expect([1, 1, 1]).toEqual(['crash-loop', 'oom-killed', 'image-pull'].map((rule) => metrics.series(incidentsOpen, { rule })));
    // A rule missing from the list shows while it has some, and goes when it has none.
    gauge.show([]);
    expect(metrics.series(incidentsOpen, { rule: 'image-pull' })).toBeUndefined();
    expect(metrics.series(incidentsOpen, { rule: 'crash-loop' })).toBe(0);
    gauge.withdraw();
    expect(metrics.series(incidentsOpen, { rule: 'crash-loop' })).toBeUndefined();
    // Shown again after it stopped: every series set anew.
    gauge.show([]);
    expect(metrics.series(incidentsOpen, { rule: 'oom-killed' })).toBe(0);
  });
});
