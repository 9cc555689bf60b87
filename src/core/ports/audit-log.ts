/** Who did what, from where, with what result: written as Kubernetes Events, read back by `audit`. */
import type { Undo } from '../model/undo.ts';

export const auditPhases = ['requested', 'denied', 'confirmed', 'cancelled', 'applied', 'succeeded', 'failed', 'timed-out'] as const;
export type AuditPhase = (typeof auditPhases)[number];

export interface AuditEntry {
  at: Date;
  operationId: string;
  phase: AuditPhase;
  verb: string;
  /** `@alice` or the terminal user. */
  requester: string;
  /** Where the request came from: `terminal`, `mattermost ~ops`. */
  via: string;
  cluster: string;
  namespace: string;
  installation: string;
  /**
   * What the Event is about when it is not an installation: `ConfigMap` for a change to the bot's
   * own state (a schedule added or removed), named by `installation` in `namespace`.
   */
  objectKind?: 'ConfigMap';
  /** One readable line: the plan or the outcome. */
  detail: string;
  /** On an `applied` change with a clean inverse: the change that puts it back (model/undo.ts). */
  undo?: Undo;
  /**
   * Set when the entry does not carry the bot's signature: anyone who may create Events can write
   * one that looks like ours, so it is listed as unsigned and never offers an undo.
   */
  unverified?: true;
}

export interface AuditQuery {
  namespace?: string;
  installation?: string;
  since: Date;
  requester?: string;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  query(query: AuditQuery): Promise<AuditEntry[]>;
}
