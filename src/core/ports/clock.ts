/**
 * Time as a port: what "now" is, and every wait and timer the core uses (follow, execute, resume,
 * the lock renewer). The system clock runs on Node's timers; unit tests use the fake clock in
 * test/fakes, which moves only when told, so no core test waits for real.
 */
export interface Timer {
  /** Stops the timer; a callback that has not run yet never runs. */
  cancel(): void;
}

export interface TimerOptions {
  /** A background timer does not keep the process alive on its own (a sweep, a heartbeat). */
  background?: boolean;
}

export interface Clock {
  now(): Date;
  /** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` once, `ms` from now. */
  after(ms: number, fn: () => void, options?: TimerOptions): Timer;
  /** Calls `fn` once, at `time` (at once when it is past). */
  at(time: Date, fn: () => void, options?: TimerOptions): Timer;
  /** Calls `fn` every `ms` until cancelled; the first call is `ms` from now. */
  every(ms: number, fn: () => void, options?: TimerOptions): Timer;
}

/** Rejects at once when `signal` is already aborted, else when it aborts; `cleanup` runs either way. */
export function sleepOn(clock: Pick<Clock, 'after'>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason as Error);
    };
    const timer = clock.after(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const unrefIf = (handle: { unref(): unknown }, options: TimerOptions | undefined): void => {
  if (options?.background) handle.unref();
};

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) => sleepOn(systemClock, ms, signal),
  after(ms, fn, options) {
    const handle = setTimeout(fn, Math.max(0, ms));
    unrefIf(handle, options);
    return { cancel: () => clearTimeout(handle) };
  },
  at: (time, fn, options) => systemClock.after(time.getTime() - Date.now(), fn, options),
  every(ms, fn, options) {
    const handle = setInterval(fn, Math.max(1, ms));
    unrefIf(handle, options);
    return { cancel: () => clearInterval(handle) };
  },
};
