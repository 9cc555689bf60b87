/**
 * What `POST /hooks/alertmanager` does with a valid delivery, on any replica: find the installation
 * the group is about, then save the group's change in the cluster (alert-groups-document.ts) with
 * compare-and-swap, so two deliveries of one group at once (an HA pair) are applied one after the
 * other. Posting is the leader's (alert-threads.ts); this only tells it, when it runs here.
 */
import type { Clock } from '../../ports/clock.ts';
import type { StateStore } from '../../ports/state-store.ts';
import { alertGroupsDocument, withDelivery } from './alert-groups-document.ts';
import type { AlertmanagerPayload } from './alertmanager-payload.ts';
import { groupIncident, groupIncidentKey, labelOf } from './group-incident.ts';

type InstallationRef = { namespace: string; name: string };

export interface AlertReceiverDeps {
  store: StateStore;
  clock: Clock;
  /** The installations of a namespace (the default cluster's); a failure counts as none. */
  installationsIn: (namespace: string) => Promise<InstallationRef[]>;
  /** The label whose value names a group's channel (config alertmanager.channelLabel). */
  channelLabel: string;
  /** Resolved groups are kept this long, so a relapse finds its thread (the incidents' cool-down). */
  coolDownMs: number;
  /** Called once a delivery is saved (the leader posts it at once then, instead of at its next look). */
  onSaved?: () => void;
}

/**
 * The installation a group is about: in the namespace its `namespace` label names, the one whose
 * name is also one of its label values (`service=mattermost-staging`), else the only one there.
 */
export function installationFor(payload: AlertmanagerPayload, installations: readonly InstallationRef[]): InstallationRef | undefined {
  const values = new Set(payload.alerts.flatMap((a) => Object.values(a.labels)));
  const named = installations.filter((i) => values.has(i.name));
  if (named.length === 1) return named[0];
  return installations.length === 1 ? installations[0] : undefined;
}

export async function receiveAlerts(deps: AlertReceiverDeps, payload: AlertmanagerPayload): Promise<void> {
  const namespace = labelOf(payload, 'namespace');
  const installation = namespace ? installationFor(payload, await deps.installationsIn(namespace)) : undefined;
  const key = groupIncidentKey(payload.groupKey);
  await deps.store.update(alertGroupsDocument, (doc) => {
    const previous = doc.groups.find((e) => e.key === key)?.incident;
    const change = groupIncident({ payload, previous, installation, channelLabel: deps.channelLabel });
    return withDelivery(doc, change, deps.clock.now(), deps.coolDownMs);
  });
  deps.onSaved?.();
}
