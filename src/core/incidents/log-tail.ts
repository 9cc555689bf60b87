/**
 * The previous container's log on a crash loop's or an OOM kill's root (issue 12, Threads): when
 * such an incident opens or relapses, the leader reads the log of the container that ended last
 * (rules put it in `evidence.previousLog`), redacts it as `logs` does, shows its last lines on the
 * root and attaches the whole (bounded) tail as a file. The read never holds the incident up for
 * long nor fails it: past `timeoutMs`, refused, or with no previous container (a container that
 * never restarted, a kwok pod whose node serves no logs), the root says "log tail: not available
 * (why)". One read per opening, never retried: the thread keeper asks at a root and at a relapse.
 */
import { z } from 'zod';
import { MatteropsError } from '../errors.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { PostFile } from '../ports/notifier.ts';
import { code, text, type Block } from '../reply.ts';
import { keepTail, redactedTail } from '../text/log-tail.ts';
import type { Incident } from './incident.ts';

/** What a thread keeps of the tail it shows (thread-document.ts): small, since every open thread shares one document. */
export const LogTailSchema = z.object({
  pod: z.string(),
  container: z.string(),
  /** The last lines, redacted, as the root shows them. */
  shown: z.string().optional(),
  /** Why no tail is shown (`no previous container`). */
  unavailable: z.string().optional(),
  /** The read stopped at its byte limit before the tail's end: the newest lines are missing. */
  cut: z.boolean().optional(),
  /** The id of the full tail's file on the root, once the root is made with it. */
  fileId: z.string().optional(),
});
export type LogTail = z.infer<typeof LogTailSchema>;

/** A tail as read: what the root shows, and the full redacted tail to attach (none when unavailable). */
export interface LogTailRead {
  tail: LogTail;
  file?: PostFile;
}

/** Reads an incident's previous log; undefined for an incident that names none. Never rejects. */
export type LogTails = (incident: Incident) => Promise<LogTailRead | undefined>;

export interface LogTailDeps {
  /** The watched cluster, as the bot (the leader's identity, not a chat user's). */
  logs: Pick<ClusterGateway, 'readLog'>;
  clock: Clock;
  logger: Logger;
  /** How long a read may take before the root goes without it (3 s). */
  timeoutMs?: number;
}

/** Lines asked for: enough to hold a stack trace. */
export const tailLines = 200;
/**
 * Bytes the apiserver may send. The limit counts from the start of the 200 lines, so it is wide
 * (a line is a few hundred bytes) and bounds memory only; the file keeps the newest 64 KiB of it.
 */
export const limitBytes = 256 * 1024;
export const fileChars = 64 * 1024;
const shownLines = 10;
const shownChars = 1_200;
const defaultTimeoutMs = 3_000;

/** `mm-7c9-abcde-mattermost-previous.log`. */
export const logFileName = (pod: string, container: string): string => `${pod}-${container}-previous.log`;

/** Why a read gave nothing, in a few words a root can show (the full error goes to the log). */
function whyNot(error: unknown): string {
  if (!(error instanceof MatteropsError)) return 'the read failed';
  if (/previous terminated container .* not found/.test(error.message)) return 'no previous container';
  // The apiserver answered, but the node's kubelet did not (a kwok node serves no logs unless told to).
  if (error.message.includes('/containerLogs/')) return 'the node did not serve it';
  switch (error.code) {
    case 'forbidden':
      return 'matterops may not read pod logs';
    case 'not_found':
      return 'the pod is gone';
    case 'unavailable':
      return 'the cluster did not answer';
    default:
      return 'the node did not serve it';
  }
}

/** The last lines of a redacted tail, within the root's bound. */
function lastLines(redacted: string): string {
  const lines = redacted.trimEnd().split('\n');
  return keepTail(lines.slice(-shownLines).join('\n'), shownChars).text;
}

function toRead(where: { pod: string; container: string }, raw: string): LogTailRead {
  if (!raw.trim()) return { tail: { ...where, unavailable: 'the previous container wrote nothing' } };
  const full = redactedTail(raw, fileChars).text;
  const cut = new TextEncoder().encode(raw).byteLength >= limitBytes;
  return { tail: { ...where, shown: lastLines(full), ...(cut ? { cut } : {}) }, file: { name: logFileName(where.pod, where.container), content: full } };
}

export function createLogTails(deps: LogTailDeps): LogTails {
  const timeoutMs = deps.timeoutMs ?? defaultTimeoutMs;
  return async (incident) => {
    const where = incident.evidence.previousLog;
    const namespace = incident.installation?.namespace;
    if (!where || !namespace) return undefined;
    let timer: { cancel(): void } | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = deps.clock.after(timeoutMs, () => resolve('late'));
    });
    const read = deps.logs.readLog(namespace, { pod: where.pod, container: where.container, tailLines, limitBytes, previous: true }).then(
      (raw) => ({ raw }),
      (error: unknown) => ({ error }),
    );
    const outcome = await Promise.race([read, late]).finally(() => timer?.cancel());
    if (outcome === 'late') {
      deps.logger.warn({ incident: incident.key, pod: where.pod, timeoutMs }, 'the previous log of an incident pod did not come in time');
      return { tail: { ...where, unavailable: `no answer within ${timeoutMs / 1000} s` } };
    }
    if ('error' in outcome) {
      deps.logger.info(
        { incident: incident.key, pod: where.pod, err: (outcome.error as Error).message },
        'the previous log of an incident pod could not be read',
      );
      return { tail: { ...where, unavailable: whyNot(outcome.error) } };
    }
    return toRead(where, outcome.raw);
  };
}

/** The root's lines about the tail: its last lines in a code block, or why there are none. */
export function logTailBlocks(tail: LogTail | undefined): Block[] {
  if (!tail) return [];
  if (!tail.shown) return [text(`log tail: not available (${tail.unavailable ?? 'not read'})`)];
  const count = tail.shown.split('\n').length;
  const cut = tail.cut ? '; the newest lines were past the read limit' : '';
  return [text(`Previous container's log (${tail.pod}, ${tail.container}), last ${count} line${count === 1 ? '' : 's'}${cut}:`), code(tail.shown)];
}
