/**
 * Backups: the newest good backup of an installation is older than `backupTooOldMs` (26 h: a daily
 * backup plus room for a slow night), a warning. An installation with no good backup at all is
 * judged the same way from when it was created, so a new one is not reported before it could have
 * had its first backup, and one that never had any is once it is older than the threshold. Only
 * with backups set up and the store read for it (`newestGoodBackup` present). The title stays the
 * same as the age grows (an update is for a change, not a clock); the age is in the evidence.
 */
import type { Finding, Rule } from '../finding.ts';
import { utcTime } from '../incident-replies.ts';

const hours = (ms: number): string => `${Math.round(ms / 3_600_000)} h`;

export const backupTooOld: Rule = (s, now, t) => {
  const newest = s.newestGoodBackup;
  if (!t.backupTooOldMs || newest === undefined || !s.resource) return [];
  const from = newest ?? s.resource.createdAt;
  if (!from || now.getTime() - from.getTime() <= t.backupTooOldMs) return [];
  const finding: Finding = {
    rule: 'backup-too-old',
    part: '',
    severity: 'warning',
    title: newest ? `the newest good backup is older than ${hours(t.backupTooOldMs)}` : `no good backup in the ${hours(t.backupTooOldMs)} since it was created`,
    since: new Date(from.getTime() + t.backupTooOldMs),
    openAfterMs: 0,
    affected: [],
    evidence: {
      facts: newest
        ? [{ label: 'newest good backup', value: utcTime(newest) }]
        : [
            { label: 'created', value: utcTime(from) },
            { label: 'newest good backup', value: 'none in the store' },
          ],
      lines: [],
    },
  };
  return [finding];
};
