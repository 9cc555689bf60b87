/**
 * Pods that cannot even be created: a ReplicaSet of the installation with ReplicaFailure=True
 * (FailedCreate: a quota, an admission policy), which no pod shows. After `configErrorMs`, like a
 * container config error; one incident per installation.
 */
import type { Rule } from '../finding.ts';
import { distinct, earliest, eventLines } from './evidence.ts';

export const replicaFailure: Rule = (s, _now, t) => {
  const failing = s.replicaSets.filter((rs) => rs.desired > 0 && rs.failure?.status === 'True');
  if (!failing.length) return [];
  const objects = failing.map((rs) => `ReplicaSet/${rs.name}`);
  return [
    {
      rule: 'replica-failure',
      part: '',
      severity: 'critical',
      title: `pods cannot be created (${distinct(failing.map((rs) => rs.failure?.reason)).join(', ') || 'ReplicaFailure'})`,
      since: earliest(failing.map((rs) => rs.failure?.since)),
      openAfterMs: t.configErrorMs,
      affected: objects.sort(),
      evidence: { facts: distinct(failing.map((rs) => rs.failure?.message)).map((m) => ({ label: 'message', value: m })), lines: eventLines(s, objects) },
    },
  ];
};
