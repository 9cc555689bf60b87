/**
 * What a change verb proposes, before the pipeline previews it with a server-side dry run: its
 * steps (the exact writes, and the waits that say when each is done), the installation it is about,
 * and how risky it is.
 */
import type { Installation } from './installation.ts';
import type { InstallationRef } from './installation-ref.ts';
import type { Reply } from '../reply.ts';
import type { Risk } from './risk.ts';
import type { Step } from './step.ts';
import type { Undo } from './undo.ts';

export interface ChangeDraft {
  kind: 'change';
  target: InstallationRef;
  /** The installation as it is now (absent for create). */
  before: Installation | undefined;
  /** Done in order; every write is dry-run first (installation-steps.ts builds the usual ones). */
  steps: Step[];
  risk: Exclude<Risk, 'read'>;
  /** One line for audit and progress: "scale chat/mattermost: replicas 2 -> 5". */
  summary: string;
  /** Lines the user reads before confirming, beyond the computed diff. */
  notes: string[];
  /** Lines the outcome adds when the change succeeded (a restore names the database it is on now, and the way back). */
  doneNotes?: string[];
  /** The word to type to confirm (delete asks for the installation's name). */
  confirmWord?: string;
  /**
   * The policy right this change needs when it is not the verb's own: `backups` lists the catalog,
   * but deleting backups with `--prune` needs `prune-backups`.
   */
  authorizeAs?: string;
  /**
   * The change that puts back what this one replaces (model/undo.ts), decided now from the
   * installation as it is; the `applied` audit entry carries it. Absent: no clean inverse.
   */
  undo?: Undo;
  /** Policy limits this change must respect, checked after authorisation. */
  limits?: { replicas?: number; version?: string };
}

/** Some change verbs have read-only forms (`env <name> list`) or find nothing to do. */
export interface NoChange {
  kind: 'no-change';
  reply: Reply;
  /** The verb whose right is needed to see this reply. */
  authorizeAs: string;
  target: InstallationRef;
}

export type Draft = ChangeDraft | NoChange;
