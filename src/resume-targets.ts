/**
 * Where leftovers are looked for: every cluster matterops serves (each context of the directory),
 * through the bot's own gateway there. Leftovers of a change made with `--cluster other` sit in that
 * cluster's state namespace, so resuming only the default cluster left them unreported (issue 9, item 15).
 */
import type { ResumeTarget } from './core/change/resume.ts';
import type { ClusterDirectory } from './core/ports/cluster-gateway.ts';

export function resumeTargets(clusters: ClusterDirectory, waitMs: number): ResumeTarget[] {
  return clusters.contexts.flatMap((cluster) => {
    const gateway = clusters.get(cluster);
    return gateway ? [{ cluster, gateway, waitMs }] : [];
  });
}
