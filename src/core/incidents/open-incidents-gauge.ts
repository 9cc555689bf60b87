/**
 * `matterops_incidents_open{rule}` for one source of incidents (the rules' engine, Alertmanager's
 * groups): set from the source's open incidents whenever it evaluates, so a scrape reads a number
 * and does no work. Every rule the source owns shows, 0 when none is open (a dashboard sees the
 * series before the first incident); a source that stops (a replica that stops leading) withdraws
 * its series, so only the leader exports them and a sum over replicas counts each incident once.
 */
import { incidentsOpen } from '../metrics-catalog.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { Incident } from './incident.ts';

export class OpenIncidentsGauge {
  private readonly metrics: Metrics;
  private readonly rules: readonly string[];
  /** What each rule's series shows now: a judgement that moved no count sets nothing. */
  private shown = new Map<string, number>();

  /** `rules`: the fixed names this source's incidents carry (rules/index.ts ruleNames, or `alertmanager`). */
  constructor(metrics: Metrics, rules: readonly string[]) {
    this.metrics = metrics;
    this.rules = rules;
  }

  /** The source's open incidents now. A rule missing from the list still counts (its name is code, so bounded). */
  show(open: readonly Pick<Incident, 'rule'>[]): void {
    const counts = new Map(this.rules.map((rule) => [rule, 0]));
    for (const { rule } of open) counts.set(rule, (counts.get(rule) ?? 0) + 1);
    for (const rule of this.shown.keys()) if (!counts.has(rule)) this.metrics.remove(incidentsOpen, { rule });
    for (const [rule, n] of counts) if (this.shown.get(rule) !== n) this.metrics.set(incidentsOpen, { rule }, n);
    this.shown = counts;
  }

  /** The source stopped: its series go, until it shows again. */
  withdraw(): void {
    for (const rule of this.shown.keys()) this.metrics.remove(incidentsOpen, { rule });
    this.shown.clear();
  }
}
