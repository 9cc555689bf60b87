/**
 * One Alertmanager delivery as the incident of its group (key `alertmanager:<groupKey>`): the
 * firing alerts become its title, severity and `affected` (so a change of the firing set is an
 * update, and the same set delivered again, by the other peer of an HA pair say, is none), and a
 * `resolved` delivery resolves it. Pure: the caller finds the installation and keeps the previous
 * incident (alert-groups-document.ts).
 */
import type { IncidentChange } from '../incident-change.ts';
import type { Incident, Severity } from '../incident.ts';
import { alertsDetailed, alertsNamed, textKept, type AlertDetail, type AlertGroup } from './alert-group.ts';
import type { AlertmanagerAlert, AlertmanagerPayload } from './alertmanager-payload.ts';

export const alertmanagerRule = 'alertmanager';

/** The incident key of a group. */
export const groupIncidentKey = (groupKey: string): string => `${alertmanagerRule}:${groupKey}`;

/** Severity labels that mean someone must act now; anything else (warning, info, none) is a warning. */
const criticalSeverities = new Set(['critical', 'error', 'page', 'emergency', 'alert', 'fatal']);

const severityOf = (a: AlertmanagerAlert): Severity => (criticalSeverities.has((a.labels.severity ?? '').toLowerCase()) ? 'critical' : 'warning');

const clip = (s: string): string => (s.length > textKept ? `${s.slice(0, textKept - 1)}…` : s);

const sortedLabels = (labels: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, clip(v)]),
  );

const nameOf = (a: AlertmanagerAlert): string => a.labels.alertname ?? 'alert';

function detailOf(a: AlertmanagerAlert): AlertDetail {
  const { summary, description } = a.annotations;
  const runbook = a.annotations.runbook_url ?? a.annotations.runbook;
  return {
    name: nameOf(a),
    fingerprint: a.fingerprint,
    labels: sortedLabels(a.labels),
    ...(summary ? { summary: clip(summary) } : {}),
    ...(description ? { description: clip(description) } : {}),
    ...(runbook ? { runbook: clip(runbook) } : {}),
    startsAt: a.startsAt,
  };
}

/** Labels every one of `alerts` has with the same value. */
function commonOf(alerts: readonly AlertmanagerAlert[]): Record<string, string> {
  const [first, ...rest] = alerts;
  return Object.fromEntries(Object.entries(first?.labels ?? {}).filter(([k, v]) => rest.every((a) => a.labels[k] === v)));
}

/** What tells one alert of the group from the others: the labels they do not share, `pod=mm-a`; its name when alone. */
function identityOf(a: AlertmanagerAlert, common: Record<string, string>): string {
  const own = Object.entries(sortedLabels(a.labels)).filter(([k]) => !(k in common));
  const words = own.map(([k, v]) => `${k}=${v}`).join(' ');
  return (words || nameOf(a)).slice(0, 120);
}

const labelText = (a: AlertmanagerAlert): string => JSON.stringify(Object.entries(a.labels).sort(([x], [y]) => x.localeCompare(y)));

function titleOf(alerts: readonly AlertmanagerAlert[], count: number): string {
  const first = alerts[0];
  if (!first) return 'no alerts';
  const names = [...new Set(alerts.map(nameOf))].sort();
  if (count === 1) return first.annotations.summary ? `${nameOf(first)}: ${clip(first.annotations.summary)}` : nameOf(first);
  return names.length === 1 ? `${names[0]}: ${count} alerts firing` : `${count} alerts firing: ${names.join(', ')}`;
}

/** The group's labels, as the root shows them (`group: alertname=MattermostDown namespace=prod`). */
const groupFacts = (labels: Record<string, string>): { label: string; value: string }[] => {
  const words = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return words.length ? [{ label: 'group', value: words.join(' ') }] : [];
};

/** The label naming the group's channel: the same on every alert of it (a group or common label), else the first alert's. */
export function labelOf(payload: AlertmanagerPayload, label: string): string | undefined {
  return payload.groupLabels[label] ?? payload.commonLabels[label] ?? payload.alerts.find((a) => a.labels[label])?.labels[label];
}

export interface GroupIncidentInput {
  payload: AlertmanagerPayload;
  /** The group's incident as last delivered, if it is still kept. */
  previous: Incident | undefined;
  installation: { namespace: string; name: string } | undefined;
  /** The name of the label that routes a group to a channel. */
  channelLabel: string;
}

/** The incident a delivery describes, and what it changed since the previous one. */
export function groupIncident({ payload, previous, installation, channelLabel }: GroupIncidentInput): IncidentChange {
  const firing = payload.alerts.filter((a) => a.status === 'firing');
  const resolved = payload.status === 'resolved' || firing.length === 0;
  // Once resolved, the group shows the alerts that last fired (the resolved ones when none did before).
  const shown = [...(resolved ? payload.alerts : firing)].sort((a, b) => labelText(a).localeCompare(labelText(b)));
  const common = commonOf(shown);
  const count = shown.length + (resolved ? 0 : payload.truncatedAlerts);
  const channel = labelOf(payload, channelLabel);
  const alertGroup: AlertGroup = {
    groupKey: payload.groupKey,
    labels: sortedLabels(payload.groupLabels),
    ...(channel ? { channel } : {}),
    alerts: shown.slice(0, alertsDetailed).map(detailOf),
    count,
  };
  const fresh: Incident = {
    key: groupIncidentKey(payload.groupKey),
    source: 'alertmanager',
    ...(installation ? { installation } : {}),
    rule: alertmanagerRule,
    severity: shown.some((a) => severityOf(a) === 'critical') ? 'critical' : 'warning',
    title: titleOf(shown, count),
    since: new Date(Math.min(...shown.map((a) => a.startsAt.getTime()))),
    affected: [...new Set(shown.map((a) => identityOf(a, common)))].sort().slice(0, alertsNamed),
    evidence: { facts: groupFacts(alertGroup.labels), lines: [] },
    state: 'open',
    alertGroup,
  };
  if (resolved) return resolvedChange(fresh, previous, payload);
  if (!previous) return { kind: 'opened', incident: fresh };
  // The group began when it first fired, also across a relapse.
  const incident = { ...fresh, since: previous.since < fresh.since ? previous.since : fresh.since };
  return { kind: previous.state === 'resolved' ? 'reopened' : 'updated', incident };
}

/**
 * Resolved when its last alert ended. It keeps what it showed while firing, so the thread's last
 * word names that; a second `resolved` (the other HA peer) changes nothing.
 */
function resolvedChange(fresh: Incident, previous: Incident | undefined, payload: AlertmanagerPayload): IncidentChange {
  if (previous?.state === 'resolved') return { kind: 'resolved', incident: previous };
  const base = previous ?? fresh;
  const ended = Math.max(...payload.alerts.map((a) => a.endsAt.getTime()));
  return { kind: 'resolved', incident: { ...base, state: 'resolved', resolvedAt: new Date(Math.max(ended, base.since.getTime())) } };
}
