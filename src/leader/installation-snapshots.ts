/**
 * The watched objects of every installation, decoded once as they change (incident-objects.ts) and
 * grouped by installation, so a snapshot for the rules is assembled from what changed, not
 * re-read from every cache. Each `apply` says which installation the change touched.
 */
import {
  deploymentSnapshot,
  eventSnapshot,
  jobSnapshot,
  labelledInstallation,
  podSnapshot,
  replicaSetSnapshot,
} from '../adapters/kubernetes/incident-objects.ts';
import type { InstallationSnapshot } from '../core/incidents/snapshot.ts';
import { MattermostResourceSchema } from '../core/model/installation.ts';
import type { WatchedObject, WatchEvent } from '../core/ports/cluster-watch.ts';

export type WatchedKind = 'mattermost' | 'pod' | 'deployment' | 'replicaSet' | 'job' | 'event';

type Parts = Omit<InstallationSnapshot, 'namespace' | 'name' | 'pods' | 'deployments' | 'replicaSets' | 'jobs' | 'events'> & {
  pods: Map<string, InstallationSnapshot['pods'][number]>;
  deployments: Map<string, InstallationSnapshot['deployments'][number]>;
  replicaSets: Map<string, InstallationSnapshot['replicaSets'][number]>;
  jobs: Map<string, InstallationSnapshot['jobs'][number]>;
  events: Map<string, InstallationSnapshot['events'][number]>;
};

interface Placed {
  installation: string;
  ownerKind: string;
  store: (p: Parts, gone: boolean) => void;
}

const emptyParts = (): Parts => ({ pods: new Map(), deployments: new Map(), replicaSets: new Map(), jobs: new Map(), events: new Map() });

/** `namespace/name`. */
const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;

function resourceOf(object: WatchedObject): InstallationSnapshot['resource'] {
  const cr = MattermostResourceSchema.safeParse(object);
  if (!cr.success) return undefined;
  const { status, metadata } = cr.data;
  return {
    generation: metadata.generation ?? 0,
    observedGeneration: status.observedGeneration,
    state: status.state,
    error: status.error,
    version: status.version,
    createdAt: metadata.creationTimestamp === undefined ? undefined : new Date(metadata.creationTimestamp),
  };
}

export class InstallationSnapshots {
  private readonly parts = new Map<string, Parts>();
  /** `namespace/Kind/name` of every object an event may be about, to its installation's key. */
  private readonly owners = new Map<string, string>();

  /** Takes one change; returns the key of the installation it touched, if any. */
  apply(kind: WatchedKind, event: WatchEvent): string | undefined {
    const namespace = event.object.metadata.namespace ?? '';
    if (kind === 'event') return this.applyEvent(namespace, event);
    const placed = this.place(kind, event.object);
    if (!placed) return undefined;
    const key = keyOf(namespace, placed.installation);
    const parts = this.parts.get(key) ?? this.parts.set(key, emptyParts()).get(key)!;
    const gone = event.type === 'deleted';
    const objectKey = `${namespace}/${placed.ownerKind}/${event.object.metadata.name}`;
    if (gone) this.owners.delete(objectKey);
    else this.owners.set(objectKey, key);
    placed.store(parts, gone);
    if (this.isEmpty(parts)) this.parts.delete(key);
    return key;
  }

  has(key: string): boolean {
    return this.parts.has(key);
  }

  keys(): string[] {
    return [...this.parts.keys()];
  }

  snapshot(key: string): InstallationSnapshot {
    const [namespace = '', name = ''] = key.split('/');
    const p = this.parts.get(key) ?? emptyParts();
    return {
      namespace,
      name,
      resource: p.resource,
      pods: [...p.pods.values()],
      deployments: [...p.deployments.values()],
      replicaSets: [...p.replicaSets.values()],
      jobs: [...p.jobs.values()],
      events: [...p.events.values()],
    };
  }

  /** Which installation an object belongs to, its kind as events name it, and how to store it. */
  private place(kind: Exclude<WatchedKind, 'event'>, o: WatchedObject): Placed | undefined {
    const name = o.metadata.name;
    const labelled = labelledInstallation(o);
    const into =
      <T>(pick: (p: Parts) => Map<string, T>, decode: () => T) =>
      (p: Parts, gone: boolean): void => {
        if (gone) pick(p).delete(name);
        else pick(p).set(name, decode());
      };
    switch (kind) {
      case 'mattermost':
        return { installation: name, ownerKind: 'Mattermost', store: (p, gone) => (p.resource = gone ? undefined : resourceOf(o)) };
      case 'pod':
        return labelled
          ? {
              installation: labelled,
              ownerKind: 'Pod',
              store: into(
                (p) => p.pods,
                () => podSnapshot(o),
              ),
            }
          : undefined;
      case 'deployment':
        return labelled
          ? {
              installation: labelled,
              ownerKind: 'Deployment',
              store: into(
                (p) => p.deployments,
                () => deploymentSnapshot(o),
              ),
            }
          : undefined;
      case 'replicaSet':
        return labelled
          ? {
              installation: labelled,
              ownerKind: 'ReplicaSet',
              store: into(
                (p) => p.replicaSets,
                () => replicaSetSnapshot(o),
              ),
            }
          : undefined;
      case 'job': {
        const job = jobSnapshot(o);
        return job
          ? {
              installation: job.installation,
              ownerKind: 'Job',
              store: into(
                (p) => p.jobs,
                () => job.job,
              ),
            }
          : undefined;
      }
    }
  }

  private applyEvent(namespace: string, event: WatchEvent): string | undefined {
    const e = eventSnapshot(event.object);
    const key = this.owners.get(`${namespace}/${e.object}`);
    const parts = key ? this.parts.get(key) : undefined;
    if (!key || !parts) return undefined;
    if (event.type === 'deleted') parts.events.delete(event.object.metadata.name);
    else parts.events.set(event.object.metadata.name, e);
    return key;
  }

  private isEmpty(p: Parts): boolean {
    return !p.resource && !p.pods.size && !p.deployments.size && !p.replicaSets.size && !p.jobs.size;
  }
}
