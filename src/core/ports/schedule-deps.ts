/**
 * What schedules need, whether a verb changes them or the leader's scheduler runs them: the state
 * store that keeps them, the calendar that reads their cron expressions, and where a change to
 * them is audited (an Event on the ConfigMap that holds them, in the default cluster).
 */
import type { AuditLog } from './audit-log.ts';
import type { CronCalendar } from './cron-calendar.ts';
import type { Logger } from './logger.ts';
import type { StateStore } from './state-store.ts';

export interface ScheduleHome {
  /** The cluster whose state namespace keeps the schedules (the default one). */
  cluster: string;
  namespace: string;
  /** The ConfigMap of the `schedules` group (docs/state.md). */
  configMap: string;
}

export interface ScheduleDeps {
  store: StateStore;
  calendar: CronCalendar;
  /** The shortest gap allowed between two firings (15 minutes; lower only in tests). */
  minimumGapMs: number;
  home: ScheduleHome;
  audit: (cluster: string) => AuditLog;
  logger: Logger;
}
