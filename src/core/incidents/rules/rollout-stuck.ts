/** Rollout stuck: a Deployment whose Progressing condition is False with ProgressDeadlineExceeded, at once. */
import type { Rule } from '../finding.ts';
import { eventLines } from './evidence.ts';

export const rolloutStuck: Rule = (s) =>
  s.deployments
    .filter((d) => d.progressing?.status === 'False' && d.progressing.reason === 'ProgressDeadlineExceeded')
    .map((d) => ({
      rule: 'rollout-stuck',
      part: d.name === s.name ? '' : d.name,
      severity: 'critical',
      title: `rollout of ${d.name} is stuck (progress deadline exceeded)`,
      since: d.progressing?.since,
      openAfterMs: 0,
      affected: [`Deployment/${d.name}`],
      evidence: { facts: d.progressing?.message ? [{ label: 'message', value: d.progressing.message }] : [], lines: eventLines(s, [`Deployment/${d.name}`]) },
    }));
