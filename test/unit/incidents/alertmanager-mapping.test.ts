/**
 * An Alertmanager group as an incident (issue 12, "Alertmanager alerts, threaded"): the firing
 * alerts make its title, severity and affected list, a change of the firing set is an update, the
 * same set from the other HA peer is no change, and `resolved` resolves it keeping what fired.
 * The root is a golden file as Mattermost renders it.
 */
import { describe, expect, it } from 'vitest';
import { renderPost } from '../../../src/adapters/mattermost/render-post.ts';
import { groupIncident } from '../../../src/core/incidents/alertmanager/group-incident.ts';
import { installationFor } from '../../../src/core/incidents/alertmanager/receive-alerts.ts';
import type { Incident } from '../../../src/core/incidents/incident.ts';
import { notifiedState } from '../../../src/core/incidents/incident.ts';
import { rootReply } from '../../../src/core/incidents/incident-replies.ts';
import { AlertmanagerPayloadSchema, mattermostDown, payloadJson, t0, type AlertSpec } from './alert-payloads.ts';

const parse = (alerts: AlertSpec[], options: Parameters<typeof payloadJson>[1] = {}) => AlertmanagerPayloadSchema.parse(payloadJson(alerts, options));
const chat = { namespace: 'chat', name: 'mattermost' };
const incidentOf = (alerts: AlertSpec[], previous?: Incident, options: Parameters<typeof payloadJson>[1] = {}) =>
  groupIncident({ payload: parse(alerts, options), previous, installation: chat, channelLabel: 'mattermost_channel' });
const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

describe('an Alertmanager group as an incident', () => {
  it('one firing alert: its name and summary, critical from its severity label, routed by its label', () => {
    const { kind, incident } = incidentOf([mattermostDown()]);
    expect(kind).toBe('opened');
    expect(incident).toMatchObject({
      key: 'alertmanager:{}:{alertname="MattermostDown"}',
      source: 'alertmanager',
      installation: chat,
      severity: 'critical',
      title: 'MattermostDown: chat-main down',
      since: t0,
      state: 'open',
      alertGroup: { groupKey: '{}:{alertname="MattermostDown"}', channel: 'incidents', count: 1 },
    });
    expect(incident.alertGroup?.alerts[0]).toMatchObject({
      summary: 'chat-main down',
      description: 'No Mattermost pod of chat answers its health check.',
      runbook: 'https://runbooks.example.com/mattermost-down',
    });
  });

  it('the root lists the firing alerts with labels, description and a runbook URL left whole', async () => {
    const { incident } = incidentOf([mattermostDown({ pod: 'mm-a' }), mattermostDown({ pod: 'mm-b', severity: 'warning' })]);
    const post = renderPost(rootReply(incident));
    expect(post.message).toBe('**CRITICAL chat/mattermost: MattermostDown: 2 alerts firing**');
    const body = post.props.attachments[0]!.text;
    expect(body).toContain('runbook: https://runbooks.example.com/mattermost-down'); // in code: no separator breaks the URL
    expect(body).toContain('labels: alertname=MattermostDown mattermost_channel=incidents namespace=chat pod=mm-a severity=critical');
    await expect(json(post)).toMatchFileSnapshot('__golden__/alert-root-firing.json');
  });

  it('a group about no installation says Alertmanager, not its group key', () => {
    const { incident } = groupIncident({
      payload: parse([{ labels: { alertname: 'DiskFull', severity: 'warning' } }]),
      previous: undefined,
      installation: undefined,
      channelLabel: 'mattermost_channel',
    });
    expect(renderPost(rootReply(incident)).message).toBe('**WARNING Alertmanager: DiskFull**');
  });

  it('a change of the firing set is an update; the same set from the other HA peer changes nothing', () => {
    const first = incidentOf([mattermostDown({ pod: 'mm-a' })]).incident;
    const second = incidentOf([mattermostDown({ pod: 'mm-a' }), mattermostDown({ pod: 'mm-b' })], first);
    expect(second.kind).toBe('updated');
    expect(second.incident.title).toBe('MattermostDown: 2 alerts firing');
    expect(first.affected).toEqual(['MattermostDown']);
    expect(second.incident.affected).toEqual(['pod=mm-a', 'pod=mm-b']);
    expect(notifiedState(second.incident)).not.toBe(notifiedState(first));
    // Peer b: its own externalURL, the alerts in another order, received later: the same group.
    const fromPeerB = incidentOf([mattermostDown({ pod: 'mm-b' }), mattermostDown({ pod: 'mm-a' })], second.incident, {
      externalURL: 'http://alertmanager-b.example.com:9093',
    });
    expect(notifiedState(fromPeerB.incident)).toBe(notifiedState(second.incident));
    expect(fromPeerB.incident.since).toEqual(first.since);
  });

  it('resolved: the title of what fired, resolved when the last alert ended; again from the other peer, the same', () => {
    const firing = incidentOf([mattermostDown()]).incident;
    const ended = new Date(t0.getTime() + 7 * 60_000);
    const resolved = incidentOf([{ ...mattermostDown(), status: 'resolved', endsAt: ended }], firing);
    expect(resolved.kind).toBe('resolved');
    expect(resolved.incident).toMatchObject({ state: 'resolved', title: 'MattermostDown: chat-main down', resolvedAt: ended, since: t0 });
    const again = incidentOf([{ ...mattermostDown(), status: 'resolved', endsAt: new Date(ended.getTime() + 1_000) }], resolved.incident);
    expect(again.incident).toEqual(resolved.incident);
  });

  it('firing again after the resolution reopens it', () => {
    const firing = incidentOf([mattermostDown()]).incident;
    const resolved = incidentOf([{ ...mattermostDown(), status: 'resolved', endsAt: new Date(t0.getTime() + 60_000) }], firing).incident;
    const relapse = incidentOf([{ ...mattermostDown(), startsAt: new Date(t0.getTime() + 120_000) }], resolved);
    expect(relapse).toMatchObject({ kind: 'reopened', incident: { state: 'open', since: t0 } });
  });

  it('a group of many alerts details ten, names fifty, and counts those Alertmanager truncated', () => {
    const alerts = Array.from({ length: 60 }, (_, i) => mattermostDown({ pod: `mm-${String(i).padStart(2, '0')}` }));
    const body = { ...payloadJson(alerts), truncatedAlerts: 5 };
    const { incident } = groupIncident({
      payload: AlertmanagerPayloadSchema.parse(body),
      previous: undefined,
      installation: chat,
      channelLabel: 'mattermost_channel',
    });
    expect(incident.alertGroup).toMatchObject({ count: 65 });
    expect(incident.alertGroup?.alerts).toHaveLength(10);
    expect(incident.affected).toHaveLength(50);
    expect(incident.title).toBe('MattermostDown: 65 alerts firing');
    expect(renderPost(rootReply(incident)).props.attachments[0]!.text).toContain('and 55 more');
  });

  it('the installation: the one the labels name in the alert namespace, else the only one there', () => {
    const payload = parse([mattermostDown({ service: 'mattermost-staging' })]);
    const two = [
      { namespace: 'chat', name: 'mattermost' },
      { namespace: 'chat', name: 'mattermost-staging' },
    ];
    expect(installationFor(payload, two)).toEqual({ namespace: 'chat', name: 'mattermost-staging' });
    expect(installationFor(parse([mattermostDown()]), two)).toBeUndefined();
    expect(installationFor(parse([mattermostDown()]), [chat])).toEqual(chat);
    expect(installationFor(parse([mattermostDown()]), [])).toBeUndefined();
  });
});

describe('the payload schema', () => {
  it('refuses another version, a missing groupKey and alerts without fingerprints, saying where', () => {
    const bad = { ...payloadJson([mattermostDown()]), version: '3', groupKey: '' };
    const result = AlertmanagerPayloadSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['version', 'groupKey']);
    const noPrint = payloadJson([mattermostDown()]);
    (noPrint.alerts as Record<string, unknown>[])[0]!.fingerprint = undefined;
    expect(AlertmanagerPayloadSchema.safeParse(noPrint).error?.issues.map((i) => i.path.join('.'))).toEqual(['alerts.0.fingerprint']);
  });

  it('reads a Go nil map (null) as empty and ignores fields it does not know', () => {
    const body = { ...payloadJson([mattermostDown()]), commonAnnotations: null, somethingNew: 1 };
    expect(AlertmanagerPayloadSchema.parse(body).commonAnnotations).toEqual({});
  });
});
