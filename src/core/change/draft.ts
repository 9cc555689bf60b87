/**
 * What a change verb proposes, before the pipeline previews it with a server-side dry run: the
 * exact write, the target, how risky it is, and what "done" means.
 */
import type { Installation } from '../model/installation.ts';
import type { InstallationRef } from '../model/installation-ref.ts';
import type { Reply } from '../reply.ts';
import type { Risk } from '../model/risk.ts';

export type Write =
  | { kind: 'patch'; patch: object }
  | { kind: 'create'; body: object }
  | { kind: 'delete' };

export interface ChangeDraft {
  kind: 'change';
  target: InstallationRef;
  /** The installation as it is now (absent for create). */
  before: Installation | undefined;
  write: Write;
  risk: Exclude<Risk, 'read'>;
  /** One line for audit and progress: "scale chat/mattermost: replicas 2 -> 5". */
  summary: string;
  /** Lines the user reads before confirming, beyond the computed diff. */
  notes: string[];
  /** The word to type to confirm (delete asks for the installation's name). */
  confirmWord?: string;
  until: 'stable' | 'deleted';
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
