/**
 * Where a benchmark's time goes: durations per named step, so a pipeline's port calls can be set
 * next to the raw calls they stand for, and the time spent outside them (matterops's own code)
 * can be told apart from the API's answers.
 */
import { percentile } from './stats.ts';

export class StepTimer {
  private readonly steps = new Map<string, number[]>();
  /** Time spent in timed steps since the last `reset`. */
  inSteps = 0;

  async time<T>(step: string, call: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await call();
    } finally {
      const took = performance.now() - t0;
      this.inSteps += took;
      this.record(step, took);
    }
  }

  record(step: string, took: number): void {
    const samples = this.steps.get(step) ?? [];
    samples.push(took);
    this.steps.set(step, samples);
  }

  reset(): void {
    this.inSteps = 0;
  }

  clear(): void {
    this.steps.clear();
    this.inSteps = 0;
  }

  p50(step: string): number {
    return percentile(this.steps.get(step) ?? [], 50);
  }

  names(): string[] {
    return [...this.steps.keys()];
  }

  /** Wraps a port so each call of a promise-returning method is timed as the step `name` gives it. */
  wrap<T extends object>(port: T, name: (method: string, args: unknown[]) => string): T {
    return new Proxy(port, {
      get: (target, key, receiver) => {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        // Promise-returning methods are the API calls; the clock starts before the call is made.
        return (...args: unknown[]) => {
          const t0 = performance.now();
          const result: unknown = value.apply(target, args);
          if (!(result instanceof Promise)) return result;
          return result.finally(() => {
            const took = performance.now() - t0;
            this.inSteps += took;
            this.record(name(String(key), args), took);
          });
        };
      },
    });
  }
}
