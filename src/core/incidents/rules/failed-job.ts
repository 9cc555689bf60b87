/**
 * Operator: the update-check Job failed; backups: our backup Job, or our restore drill's Job,
 * failed (a drill that fails says a backup may not restore: issue 11). Each at once, from the
 * newest Job of that purpose only: a later Job that runs or succeeds resolves the incident, though
 * the failed one stays until its TTL removes it.
 */
import type { Finding, Rule } from '../finding.ts';
import type { InstallationSnapshot, JobPurpose } from '../snapshot.ts';
import { eventLines } from './evidence.ts';

function failedNewest(s: InstallationSnapshot, purpose: JobPurpose, rule: string, what: string): Finding[] {
  const newest = s.jobs.filter((j) => j.purpose === purpose).sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
  if (newest?.failed?.status !== 'True') return [];
  const { reason, message, since } = newest.failed;
  return [
    {
      rule,
      part: '',
      severity: 'critical',
      title: `${what} failed${reason ? ` (${reason})` : ''}`,
      since,
      openAfterMs: 0,
      affected: [`Job/${newest.name}`],
      evidence: {
        facts: [{ label: 'job', value: newest.name }, ...(message ? [{ label: 'message', value: message }] : [])],
        lines: eventLines(s, [`Job/${newest.name}`]),
      },
    },
  ];
}

export const updateJobFailed: Rule = (s) => failedNewest(s, 'update-check', 'update-job-failed', "the operator's update-check Job");
export const backupFailed: Rule = (s) => failedNewest(s, 'backup', 'backup-failed', 'the backup Job');
export const drillFailed: Rule = (s) => failedNewest(s, 'drill', 'drill-failed', 'the restore drill Job');
