/** A previewed change: the draft, the dry-run diff, who asked, and until when it may be confirmed. */
import type { Installation } from '../model/installation.ts';
import type { Caller } from '../model/caller.ts';
import type { OperationBase } from '../verb.ts';
import type { ChangeDraft } from '../model/draft.ts';

export interface ChangePlan {
  id: string;
  verb: string;
  /** The operation as parsed, so the plan can be made again from it (replan on a conflict). */
  operation: OperationBase;
  draft: ChangeDraft;
  /** The installation as the dry run says it will be (absent for delete). */
  preview: Installation | undefined;
  diff: string[];
  requester: Caller;
  createdAt: Date;
  expiresAt: Date;
  /** Two-person rule: someone other than the requester must confirm. */
  needsApprover: boolean;
}

/** A stable fingerprint of what will be written, bound into confirmation tokens. */
export function planFingerprint(plan: ChangePlan): string {
  return JSON.stringify([plan.id, plan.verb, plan.draft.target, plan.draft.steps]);
}
