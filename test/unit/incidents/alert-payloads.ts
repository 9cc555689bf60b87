/**
 * Alertmanager webhook payloads as Alertmanager 0.31.1 sends them (notify/webhook/webhook.go
 * Message, template.Data), built per test: a group of alerts, firing or resolved.
 */
import type { AlertmanagerPayload } from '../../../src/core/incidents/alertmanager/alertmanager-payload.ts';

export const t0 = new Date('2026-11-27T09:00:00Z');
const goZeroTime = '0001-01-01T00:00:00Z';

export interface AlertSpec {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  status?: 'firing' | 'resolved';
  startsAt?: Date;
  endsAt?: Date;
  fingerprint?: string;
}

/** A stand-in for Alertmanager's label hash: the same labels, the same fingerprint. */
export const fingerprintOf = (labels: Record<string, string>): string =>
  [...JSON.stringify(Object.entries(labels).sort())]
    .reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)
    .toString(16)
    .padStart(16, '0');

/** The JSON body a group's delivery has (dates as Alertmanager writes them). */
export function payloadJson(
  alerts: AlertSpec[],
  options: { groupLabels?: Record<string, string>; status?: 'firing' | 'resolved'; externalURL?: string; groupKey?: string } = {},
): Record<string, unknown> {
  const groupLabels = options.groupLabels ?? { alertname: alerts[0]?.labels.alertname ?? 'x' };
  const common = Object.fromEntries(Object.entries(alerts[0]?.labels ?? {}).filter(([k, v]) => alerts.every((a) => a.labels[k] === v)));
  const status = options.status ?? (alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved');
  return {
    receiver: 'matterops',
    status,
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: a.labels,
      annotations: a.annotations ?? {},
      startsAt: (a.startsAt ?? t0).toISOString(),
      endsAt: a.endsAt?.toISOString() ?? goZeroTime,
      generatorURL: 'http://prometheus.example.com/graph?g0.expr=up',
      fingerprint: a.fingerprint ?? fingerprintOf(a.labels),
    })),
    groupLabels,
    commonLabels: common,
    commonAnnotations: {},
    externalURL: options.externalURL ?? 'http://alertmanager-a.example.com:9093',
    version: '4',
    groupKey:
      options.groupKey ??
      `{}:{${Object.entries(groupLabels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(', ')}}`,
    truncatedAlerts: 0,
  };
}

export const mattermostDown = (extra: Record<string, string> = {}, annotations: Record<string, string> = {}): AlertSpec => ({
  labels: { alertname: 'MattermostDown', namespace: 'chat', severity: 'critical', mattermost_channel: 'incidents', ...extra },
  annotations: {
    summary: 'chat-main down',
    description: 'No Mattermost pod of chat answers its health check.',
    runbook_url: 'https://runbooks.example.com/mattermost-down',
    ...annotations,
  },
});

/** Parsed as the route parses it. */
export { AlertmanagerPayloadSchema } from '../../../src/core/incidents/alertmanager/alertmanager-payload.ts';
export type { AlertmanagerPayload };
