/**
 * OOMKilled: a container whose last termination was an OOM kill, at once. The kubelet keeps that
 * `lastState` until the container ends again, so a kill counts for `oomWindowMs` after it
 * happened: a container that stays up that long after its kill resolves the incident.
 */
import { count, type Rule } from '../finding.ts';
import { earliest, eventLines, livePods, names, newestEnded, podObjects } from './evidence.ts';

export const oomKilled: Rule = (s, now, t) => {
  const killed = livePods(s).flatMap((pod) =>
    pod.containers
      .filter((c) => c.lastTerminated?.reason === 'OOMKilled')
      .filter((c) => now.getTime() - (c.lastTerminated?.finishedAt?.getTime() ?? now.getTime()) < t.oomWindowMs)
      .map((container) => ({ pod, container })),
  );
  const byContainer = Map.groupBy(killed, (k) => k.container.name);
  return [...byContainer].map(([container, group]) => {
    const pods = [...new Set(group.map((k) => k.pod))];
    const previousLog = newestEnded(group);
    return {
      rule: 'oom-killed',
      part: container,
      severity: 'critical',
      title: `container ${container} was OOMKilled (${count(pods.length, 'pod')})`,
      since: earliest(group.map((k) => k.container.lastTerminated?.finishedAt)),
      openAfterMs: 0,
      affected: names(pods),
      evidence: {
        facts: [
          { label: 'last exit', value: `code ${group[0]?.container.lastTerminated?.exitCode ?? 137} (OOMKilled)` },
          { label: 'restarts', value: String(Math.max(...group.map((k) => k.container.restarts))) },
        ],
        lines: eventLines(s, podObjects(pods)),
        ...(previousLog ? { previousLog } : {}),
      },
    };
  });
};
