/** Where the schedules are kept: the state document `schedules/all` (ConfigMap `matterops-schedules`, docs/state.md). */
import { SchedulesSchema, type Schedules } from '../model/schedule.ts';
import type { StateDocument } from '../ports/state-store.ts';

export const schedulesDocument: StateDocument<Schedules> = {
  name: 'schedules/all',
  schema: SchedulesSchema,
  initial: () => ({ nextId: 1, schedules: [] }),
};
