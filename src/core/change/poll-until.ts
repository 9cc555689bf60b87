/**
 * Waits that have no watch of their own (a Job's completion, the last pod gone): the condition is
 * read every `pollMs` on the clock until it says done or failed, the deadline passes, or the
 * signal aborts (the lock was lost). A failed read is tried again at the next poll.
 */
import type { Clock } from '../ports/clock.ts';
import type { FollowOutcome } from './follow.ts';

export interface PollRequest {
  clock: Clock;
  deadline: Date;
  pollMs?: number;
  signal?: AbortSignal;
  onProgress: (text: string) => void;
  /** One look: an outcome ends the wait; a string is progress. */
  check: () => Promise<FollowOutcome | string>;
  /** What the timed-out outcome says. */
  stuck: () => Promise<string>;
}

const reasonOf = (signal: AbortSignal): string => (signal.reason instanceof Error ? signal.reason.message : 'stopped');

export async function pollUntil(req: PollRequest): Promise<FollowOutcome> {
  let last = '';
  for (;;) {
    if (req.signal?.aborted) return { status: 'failed', text: reasonOf(req.signal) };
    const seen = await req.check().catch(() => undefined);
    if (typeof seen === 'object') return seen;
    if (seen !== undefined && seen !== last) req.onProgress((last = seen));
    const left = req.deadline.getTime() - req.clock.now().getTime();
    if (left <= 0) return { status: 'timed-out', text: await req.stuck().catch(() => last || 'could not read it') };
    try {
      await req.clock.sleep(Math.min(req.pollMs ?? 1_000, left), req.signal);
    } catch {
      // aborted: said at the top of the loop
    }
  }
}
