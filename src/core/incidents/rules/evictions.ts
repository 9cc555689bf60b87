/** Evictions, per node (not per pod: a node under pressure evicts many at once), at once. */
import { count, type Rule } from '../finding.ts';
import { distinct, livePods, names } from './evidence.ts';

export const evictions: Rule = (s) => {
  const evicted = livePods(s).filter((p) => p.reason === 'Evicted');
  return [...Map.groupBy(evicted, (p) => p.node ?? 'unknown node')].map(([node, pods]) => ({
    rule: 'evicted',
    part: node,
    severity: 'warning',
    title: `${count(pods.length, 'pod')} evicted from node ${node}`,
    openAfterMs: 0,
    affected: names(pods),
    evidence: { facts: distinct(pods.map((p) => p.message)).map((m) => ({ label: 'message', value: m })), lines: [] },
  }));
};
