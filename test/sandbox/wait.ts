/** Polling with a deadline and an error that says what never became true and where to look. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the error so a failure points at the right log file. */
  log?: string;
}

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      const where = options.log ? ` (see ${options.log})` : '';
      throw new Error(`timed out waiting for ${options.what}${cause}${where}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}

/** True when an HTTP(S) GET answers 2xx; TLS is not verified (our own throwaway CA). */
export async function httpOk(url: string, init?: RequestInit): Promise<boolean> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.ok;
}
