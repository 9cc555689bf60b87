/**
 * Crash loop: a container waiting in CrashLoopBackOff. At once once it restarted
 * `crashLoopRestarts` times, else after `crashLoopMs`; one incident per installation and container,
 * however many pods. While the container runs between two crashes it is not waiting: the
 * hold-down (30 s) keeps the incident open over those short runs.
 */
import type { Finding, Rule } from '../finding.ts';
import { byContainer, groupFinding, waitingFor } from './container-rule.ts';
import { newestEnded } from './evidence.ts';

const reasons = new Set(['CrashLoopBackOff']);

function lastExit(group: ReturnType<typeof waitingFor>): Finding['evidence']['facts'] {
  const last = group
    .map((w) => w.container.lastTerminated)
    .filter((t) => t !== undefined)
    .sort((a, b) => (b.finishedAt?.getTime() ?? 0) - (a.finishedAt?.getTime() ?? 0))[0];
  if (!last) return [];
  return [{ label: 'last exit', value: `code ${last.exitCode ?? '?'}${last.reason ? ` (${last.reason})` : ''}` }];
}

export const crashLoop: Rule = (s, _now, t) =>
  [...byContainer(waitingFor(s, reasons))].map(([container, group]) => {
    const restarts = Math.max(...group.map((w) => w.container.restarts));
    const finding = groupFinding(s, group, {
      rule: 'crash-loop',
      part: container,
      severity: 'critical',
      what: () => `container ${container} is crash-looping`,
      openAfterMs: restarts >= t.crashLoopRestarts ? 0 : t.crashLoopMs,
      facts: [{ label: 'restarts', value: String(restarts) }, ...lastExit(group)],
    });
    const previousLog = newestEnded(group);
    return previousLog ? { ...finding, evidence: { ...finding.evidence, previousLog } } : finding;
  });
