/**
 * The typed operation every adapter and the audit trail share: a zod discriminated union on `verb`
 * built from the verbs' own schemas, so its type is inferred and never declared twice.
 */
import { z } from 'zod';
import { EventsSchema } from './verbs/events.ts';
import { HelpSchema } from './verbs/help.ts';
import { ListSchema } from './verbs/list.ts';
import { LogsSchema } from './verbs/logs.ts';
import { StatusSchema } from './verbs/status.ts';
import { VersionSchema } from './verbs/version.ts';
import { WhoamiSchema } from './verbs/whoami.ts';

export const OperationSchema = z.discriminatedUnion('verb', [
  HelpSchema, ListSchema, StatusSchema, EventsSchema, LogsSchema, WhoamiSchema, VersionSchema,
]);
export type Operation = z.infer<typeof OperationSchema>;
