/** Available < desired: a Deployment of the installation with fewer available replicas than it wants, after `unavailableMs`. */
import type { Rule } from '../finding.ts';
import { eventLines } from './evidence.ts';

export const replicasUnavailable: Rule = (s, _now, t) =>
  s.deployments
    .filter((d) => d.available < d.desired)
    .map((d) => ({
      rule: 'replicas-unavailable',
      part: d.name === s.name ? '' : d.name,
      severity: d.available === 0 ? 'critical' : 'warning',
      title: `${d.available} of ${d.desired} replicas available`,
      since: d.availableCondition?.status === 'False' ? d.availableCondition.since : undefined,
      openAfterMs: t.unavailableMs,
      affected: [`Deployment/${d.name}`],
      evidence: { facts: [], lines: eventLines(s, [`Deployment/${d.name}`]) },
    }));
