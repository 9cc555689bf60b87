/**
 * Pods not ready or unschedulable, after `notReadyMs` from the condition's transition: one incident
 * per installation, with the scheduler's message when pods cannot be placed. Pods whose containers
 * wait for a reason another rule reports (crash loop, image pull, config error) are left to it, so
 * one broken pod is one incident, not two.
 */
import { count, type Rule } from '../finding.ts';
import type { PodSnapshot } from '../snapshot.ts';
import { distinct, earliest, eventLines, livePods, names, podObjects } from './evidence.ts';

const reportedElsewhere = new Set(['CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff', 'CreateContainerConfigError']);

const unschedulable = (p: PodSnapshot): boolean => p.scheduled?.status === 'False';
const notReady = (p: PodSnapshot): boolean =>
  p.phase !== 'Succeeded' && p.reason !== 'Evicted' && p.ready?.status !== 'True' && !p.containers.some((c) => reportedElsewhere.has(c.waiting?.reason ?? ''));

export const podsNotReady: Rule = (s, _now, t) => {
  const live = livePods(s);
  const pods = live.filter((p) => unschedulable(p) || notReady(p));
  if (!pods.length) return [];
  const unplaced = pods.filter(unschedulable);
  const title = unplaced.length ? `${count(unplaced.length, 'pod')} cannot be scheduled` : `${pods.length} of ${count(live.length, 'pod')} not ready`;
  return [
    {
      rule: 'pods-not-ready',
      part: '',
      severity: pods.length === live.length ? 'critical' : 'warning',
      title,
      since: earliest(pods.map((p) => (unschedulable(p) ? p.scheduled?.since : p.ready?.since))),
      openAfterMs: t.notReadyMs,
      affected: names(pods),
      evidence: {
        facts: distinct(unplaced.map((p) => p.scheduled?.message)).map((m) => ({ label: 'scheduler', value: m })),
        lines: eventLines(s, podObjects(pods)),
      },
    },
  ];
};
