/**
 * Follows one Mattermost CR through a ClusterWatch (cluster-watch.ts), so the follow resumes from
 * its resourceVersion after a watch ends, re-lists on 410 and retries every error with backoff,
 * like every other watch. The first list says whether the installation exists: absent, the
 * follower is told `undefined` once synced.
 */
import { toInstallation, type Installation } from '../../core/model/installation.ts';
import type { Subscription } from '../../core/ports/cluster-gateway.ts';
import { kinds } from '../../core/model/resource.ts';
import type { ClusterWatch, WatchLifecycle } from '../../core/ports/cluster-watch.ts';

export interface WatchTarget {
  /** The cluster's watch, built once with the clock and logger of the composition root. */
  watch: ClusterWatch;
  namespace: string;
  name: string;
  /** Told when the watch lists, opens or fails (tests). */
  onLifecycle?: (note: WatchLifecycle) => void;
}

export function watchInstallation(target: WatchTarget, onChange: (i: Installation | undefined) => void): Subscription {
  const { namespace, name } = target;
  const watching = target.watch.watch(
    {
      resource: kinds.mattermost,
      namespace,
      fieldSelector: `metadata.name=${name}`,
      ...(target.onLifecycle ? { onLifecycle: target.onLifecycle } : {}),
    },
    (event) => onChange(event.type === 'deleted' ? undefined : toInstallation(event.object)),
  );
  watching.synced.then(
    () => {
      if (!watching.get(namespace, name)) onChange(undefined);
    },
    () => undefined,
  );
  return {
    // Stopping closes the watch at once (also one still opening), so a one-shot process such as
    // `matterops resume` is not kept alive by it.
    stop: () => {
      void watching.stop();
    },
  };
}
