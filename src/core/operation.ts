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
import { ScaleSchema } from './verbs/scale.ts';
import { UpgradeSchema } from './verbs/upgrade.ts';
import { RestartSchema } from './verbs/restart.ts';
import { EnvSchema } from './verbs/env.ts';
import { CreateSchema } from './verbs/create.ts';
import { DeleteSchema } from './verbs/delete.ts';
import { AuditSchema } from './verbs/audit.ts';
import { CanISchema } from './verbs/can-i.ts';
import { CancelSchema, ConfirmSchema } from './verbs/confirm.ts';

export const OperationSchema = z.discriminatedUnion('verb', [
  HelpSchema, ListSchema, StatusSchema, EventsSchema, LogsSchema, WhoamiSchema, VersionSchema,
  ScaleSchema, UpgradeSchema, RestartSchema, EnvSchema, CreateSchema, DeleteSchema, AuditSchema, CanISchema, ConfirmSchema, CancelSchema,
]);
export type Operation = z.infer<typeof OperationSchema>;
