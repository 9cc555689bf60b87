/**
 * What `confirm` and `cancel` reach: the plans waiting for a confirmation, applied or dropped where
 * they were planned. The pipeline binds it to the command (who confirms, how the adapter runs it);
 * the change pipeline implements it. Narrow on purpose: a verb cannot start a change through it.
 */
import type { Reply } from '../reply.ts';

/** What a `confirm` names: the code or token, the typed word, and any --cluster/-n it was given. */
export interface ConfirmRequest {
  codeOrToken: string;
  typedWord: string | undefined;
  /** --cluster and -n on `confirm` may only narrow: a plan for elsewhere is refused, not redirected. */
  within: { cluster?: string | undefined; namespace?: string | undefined };
}

export interface Confirmations {
  /** Applies a waiting plan where it was planned, as the caller of this command confirming it. */
  confirm(request: ConfirmRequest): Promise<Reply>;
  /** Drops a waiting plan; only its requester may. */
  cancel(codeOrToken: string): Promise<Reply>;
}
