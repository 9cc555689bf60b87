/** The highest resident set size of a process while something runs: VmRSS polled every 25 ms. */
import { readFileSync } from 'node:fs';

const rssKb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

export async function peakRssMiB<T>(pid: number, body: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  let peak = rssKb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssKb(pid));
  }, 25);
  try {
    const result = await body();
    return { result, peakMiB: Math.max(peak, rssKb(pid)) / 1024 };
  } finally {
    clearInterval(timer);
  }
}
