/**
 * Where plans wait for confirmation. `serve` keeps them in the cluster, so a restarted bot or a
 * second replica can confirm a plan the first one made; the terminal keeps them in the process.
 */
/** `Plan` is the change pipeline's plan (change/plan.ts): ports sit below the pipeline and do not name it. */
export interface PendingStore<Plan> {
  /** Keeps a plan under its code until `plan.expiresAt` (it may be dropped any time after). */
  put(code: string, plan: Plan): Promise<void>;
  get(code: string): Promise<Plan | undefined>;
  /**
   * Removes a plan. True for the one caller that removed it; false when it was already gone (taken
   * by another replica, cancelled): this is what makes a confirmation single use across replicas.
   */
  remove(code: string): Promise<boolean>;
}

/** Plans in this process only. */
export class MemoryPendingStore<Plan> implements PendingStore<Plan> {
  private readonly plans = new Map<string, Plan>();

  put(code: string, plan: Plan): Promise<void> {
    this.plans.set(code, plan);
    return Promise.resolve();
  }

  get(code: string): Promise<Plan | undefined> {
    return Promise.resolve(this.plans.get(code));
  }

  remove(code: string): Promise<boolean> {
    return Promise.resolve(this.plans.delete(code));
  }
}
