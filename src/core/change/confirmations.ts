/**
 * Plans waiting for confirmation. A plan is confirmed by its short code (typed: `confirm 7f3a9c1e`)
 * or by a signed token (buttons): both are single use, expire, and are bound to the requester
 * (or, under the two-person rule, to anyone but the requester) and to the exact plan.
 */
import { MatteropsError } from '../errors.ts';
import type { ConfirmRequest } from '../ports/confirmations.ts';
import type { PendingStore } from '../ports/pending-store.ts';
import type { Signer } from '../ports/signer.ts';
import type { PendingConfirmation } from '../reply.ts';
import type { Caller } from '../model/caller.ts';
import { planFingerprint, type ChangePlan } from './plan.ts';

const invalid = (): MatteropsError => new MatteropsError('forbidden', 'this confirmation is not valid', 'run the command again to get a new one');

/** Refuses a confirmation whose --cluster or -n names somewhere other than the plan's target. */
function checkWithin(code: string, plan: ChangePlan, within: ConfirmRequest['within']): void {
  const { cluster, namespace, name } = plan.draft.target;
  if (within.cluster !== undefined && within.cluster !== cluster) {
    throw new MatteropsError('usage', `plan ${code} is for cluster ${cluster}, not ${within.cluster}`, `type confirm ${code} without --cluster`);
  }
  if (within.namespace !== undefined && within.namespace !== namespace) {
    throw new MatteropsError('usage', `plan ${code} is for ${namespace}/${name}, not namespace ${within.namespace}`, `type confirm ${code} without -n`);
  }
}

/** A plan taken for execution, and the code it waited under. */
export interface Taken {
  code: string;
  plan: ChangePlan;
}

const alreadyTaken = (code: string): MatteropsError =>
  new MatteropsError('not_found', `no pending operation ${code}: it was already confirmed, cancelled, or never existed`, 'run the command again');

export class PendingConfirmations {
  private readonly plans: PendingStore<ChangePlan>;
  private readonly signer: Signer;

  constructor(signer: Signer, store: PendingStore<ChangePlan>) {
    this.signer = signer;
    this.plans = store;
  }

  private signature(code: string, expiry: number, plan: ChangePlan): string {
    return this.signer.sign(`${code}.${expiry}.${plan.requester.id}.${planFingerprint(plan)}`);
  }

  async put(plan: ChangePlan): Promise<PendingConfirmation> {
    const code = this.signer.randomId(4);
    await this.plans.put(code, plan);
    const expiry = plan.expiresAt.getTime();
    return {
      code,
      token: `${code}.${expiry}.${this.signature(code, expiry, plan)}`,
      expiresAt: plan.expiresAt,
      confirmWord: plan.draft.confirmWord,
      needsApprover: plan.needsApprover,
      flag: plan.draft.risk === 'danger' ? `--confirm ${plan.draft.confirmWord ?? plan.draft.target.name}` : '--yes',
    };
  }

  /** The plan a code or token refers to, after checking the token's signature; not yet taken. */
  private async find(codeOrToken: string): Promise<{ code: string; plan: ChangePlan }> {
    const [code = '', expiry, signature] = codeOrToken.split('.');
    // Codes are hex: anything else cannot name a plan (and must not reach the store as a name).
    const plan = /^[0-9a-f]{1,32}$/.test(code) ? await this.plans.get(code) : undefined;
    if (signature !== undefined || expiry !== undefined) {
      // A token: a bad signature is refused the same way whether or not the plan exists.
      if (
        !plan ||
        signature === undefined ||
        !this.signer.verify(`${code}.${expiry}.${plan.requester.id}.${planFingerprint(plan)}`, signature) ||
        Number(expiry) !== plan.expiresAt.getTime()
      )
        throw invalid();
    }
    if (!plan) throw alreadyTaken(code);
    return { code, plan };
  }

  private checkCaller(plan: ChangePlan, caller: Caller): void {
    const own = caller.id === plan.requester.id;
    if (plan.needsApprover && own) {
      throw new MatteropsError(
        'forbidden',
        `${plan.verb} in ${plan.draft.target.namespace} needs a second person: someone else with the right must confirm`,
        `ask a colleague to type: confirm <code>`,
        plan.draft.target,
      );
    }
    if (!plan.needsApprover && !own) {
      throw new MatteropsError(
        'forbidden',
        `only ${plan.requester.name} can confirm this ${plan.verb}`,
        'run the command yourself if you want it done',
        plan.draft.target,
      );
    }
  }

  /**
   * Takes the plan for execution (single use), or throws why it cannot be. `mayApprove` throws when
   * the caller may not approve it; it runs before the plan is removed, so a refused try leaves it waiting.
   */
  async take(request: ConfirmRequest, caller: Caller, now: Date, mayApprove: (plan: ChangePlan) => void): Promise<Taken> {
    const { typedWord } = request;
    const { code, plan } = await this.find(request.codeOrToken);
    if (plan.expiresAt.getTime() < now.getTime()) {
      await this.plans.remove(code);
      throw new MatteropsError(
        'conflict',
        `the ${plan.verb} plan ${code} expired at ${plan.expiresAt.toISOString()}`,
        'run the command again to get a fresh plan',
      );
    }
    this.checkCaller(plan, caller);
    checkWithin(code, plan, request.within);
    if (plan.needsApprover) mayApprove(plan);
    if (plan.draft.confirmWord !== undefined && typedWord !== plan.draft.confirmWord) {
      throw new MatteropsError(
        'usage',
        `to confirm, type the installation's name: confirm ${code} ${plan.draft.confirmWord}`,
        typedWord === undefined ? undefined : `you typed "${typedWord}"`,
      );
    }
    // Two replicas may both have read the plan: only the one whose removal succeeds applies it.
    if (!(await this.plans.remove(code))) throw alreadyTaken(code);
    return { code, plan };
  }

  /** Puts a taken plan back under its code, when it could not start (another change holds the installation). */
  async restore(taken: Taken): Promise<void> {
    await this.plans.put(taken.code, taken.plan);
  }

  async cancel(codeOrToken: string, caller: Caller): Promise<ChangePlan> {
    const { code, plan } = await this.find(codeOrToken);
    if (caller.id !== plan.requester.id)
      throw new MatteropsError('forbidden', `only ${plan.requester.name} can cancel this ${plan.verb}`, undefined, plan.draft.target);
    if (!(await this.plans.remove(code))) throw alreadyTaken(code);
    return plan;
  }
}
