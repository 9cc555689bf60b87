/**
 * The alerts of a group as the root of its thread lists them: name and summary, description,
 * runbook and labels, in a code block, where Mattermost neither formats an annotation nor breaks a
 * runbook URL (plain text gets an invisible separator in `://` so it cannot autolink, which would
 * also break copying it).
 */
import { code, text, type Block } from '../../reply.ts';
import type { AlertDetail, AlertGroup } from './alert-group.ts';

const utc = (d: Date): string => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

function alertLines(a: AlertDetail): string[] {
  const labels = Object.entries(a.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [
    a.summary ? `${a.name}: ${a.summary}` : a.name,
    ...(a.description ? [`  description: ${a.description}`] : []),
    ...(a.runbook ? [`  runbook: ${a.runbook}`] : []),
    `  labels: ${labels}`,
    `  since: ${utc(a.startsAt)}`,
  ];
}

/** The root's list of the group's alerts: firing ones, or once resolved those that last fired. */
export function alertBlocks(group: AlertGroup, resolved: boolean): Block[] {
  const more = group.count - group.alerts.length;
  const lines = group.alerts.flatMap(alertLines);
  return [
    text(resolved ? `Alerts (resolved, ${group.count}):` : `Firing alerts (${group.count}):`),
    code([...lines, ...(more > 0 ? [`and ${more} more`] : [])].join('\n')),
  ];
}
