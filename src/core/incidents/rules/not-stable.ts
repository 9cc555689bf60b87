/**
 * Operator: the Mattermost CR not stable (another state, an error, or a generation the operator
 * has not observed) for longer than `notStableMs`. The CR says nothing of since when: the engine
 * counts from when it first saw it so.
 */
import type { Rule } from '../finding.ts';

export const notStable: Rule = (s, _now, t) => {
  const r = s.resource;
  if (!r) return [];
  const behind = (r.observedGeneration ?? 0) < r.generation;
  if (r.state === 'stable' && !r.error && !behind) return [];
  const state = r.state ?? 'not reconciled';
  return [
    {
      rule: 'not-stable',
      part: '',
      severity: r.error ? 'critical' : 'warning',
      title: r.error ? `the operator reports an error (${state})` : `${state}, not stable`,
      openAfterMs: t.notStableMs,
      affected: [`Mattermost/${s.name}`],
      evidence: {
        facts: [
          { label: 'state', value: state },
          ...(r.error ? [{ label: 'error', value: r.error }] : []),
          ...(behind ? [{ label: 'generation', value: `${r.observedGeneration ?? 0} observed of ${r.generation}` }] : []),
        ],
        lines: [],
      },
    },
  ];
};
