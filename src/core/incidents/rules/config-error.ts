/**
 * Container config error: CreateContainerConfigError (a missing Secret or ConfigMap key, usually),
 * with the kubelet's message, after `configErrorMs`; one incident per installation.
 */
import type { Rule } from '../finding.ts';
import { groupFinding, waitingFor } from './container-rule.ts';

const reasons = new Set(['CreateContainerConfigError']);

export const configError: Rule = (s, _now, t) => {
  const group = waitingFor(s, reasons);
  if (!group.length) return [];
  return [
    groupFinding(s, group, {
      rule: 'config-error',
      part: '',
      severity: 'critical',
      what: () => 'container config error',
      openAfterMs: t.configErrorMs,
      facts: [],
    }),
  ];
};
