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

/** The longest delay Node's timers keep (2^31-1 ms). */
const longestTimeout = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) => sleepOn(systemClock, ms, signal),
  after: (ms, fn, options) => systemClock.at(new Date(Date.now() + Math.max(0, ms)), fn, options),
  at(time, fn, options) {
    // Node fires a timeout longer than 2^31-1 ms (about 24.8 days) at once: a long wait is made of
    // shorter ones, each re-armed until the time has come.
    let handle: ReturnType<typeof setTimeout>;
    const arm = (): void => {
      const left = time.getTime() - Date.now();
      handle = setTimeout(left > longestTimeout ? arm : fn, Math.max(0, Math.min(left, longestTimeout)));
      unrefIf(handle, options);
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
  every(ms, fn, options) {
    const handle = setInterval(fn, Math.max(1, Math.min(ms, longestTimeout)));
    unrefIf(handle, options);
    return { cancel: () => clearInterval(handle) };
  },
};
