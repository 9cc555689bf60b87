/**
 * The end of a pod's log, cut to what a post (or a file) can hold and redacted: the newest lines
 * matter most. The `logs` verb and an incident root's log tail (incidents/log-tail.ts) share it.
 */
import { redactSecrets } from './redact.ts';

/** Keeps the newest lines that fit in `maxChars`, and says how much was cut. */
export function keepTail(log: string, maxChars: number): { text: string; cutLines: number } {
  if (log.length <= maxChars) return { text: log, cutLines: 0 };
  const kept = log.slice(log.length - maxChars);
  const firstBreak = kept.indexOf('\n');
  // A line is dropped only when a whole one follows it: a last line longer than the window (its only
  // break its own end) is kept as its end, not cut to nothing.
  const whole = firstBreak >= 0 && firstBreak < kept.length - 1 ? kept.slice(firstBreak + 1) : kept;
  const cutLines = log.slice(0, log.length - whole.length).split('\n').length - 1;
  return { text: whole, cutLines };
}

/**
 * Characters read before the shown tail and redacted with it, then dropped, so a secret that
 * starts up to this far before the cut is seen whole: an `Authorization: Bearer` split over two
 * lines, a URL or token in a line too long for the post that is cut inside it.
 */
const redactMargin = 2_048;

/**
 * The newest lines that fit in `maxChars`, redacted. Cut first, then redacted: the redaction's
 * work is bounded by the post, not by what the pod wrote. Cut again after, since a mask (`***`)
 * may be longer than a short value it hides.
 */
export function redactedTail(log: string, maxChars: number): { text: string; cutLines: number } {
  const wide = keepTail(log, maxChars + redactMargin);
  const shown = keepTail(redactSecrets(wide.text), maxChars);
  return { text: shown.text, cutLines: wide.cutLines + shown.cutLines };
}
