/**
 * The pod statuses a kubelet would write for a runner pod the harness runs (merge patches of
 * `status`, as the verified recipe in ../shared/reference/real-peers.md section 3): Running when
 * the process starts, Succeeded or Failed with the terminated container when it ends. The real Job
 * controller reads them and completes or fails the Job.
 */
import type { V1Pod } from '@kubernetes/client-node';

/** kubelet keeps at most this much of a termination message. */
export const maxTerminationMessageBytes = 4096;
/** With FallbackToLogsOnError, kubelet takes at most this much of the log's tail. */
const maxFallbackLogBytes = 2048;
const maxFallbackLogLines = 80;

/** Cuts `text` to at most `max` bytes of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, max: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  let end = max;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--; // back off continuation bytes
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * The terminated container's message: the termination log, or with FallbackToLogsOnError and a
 * failure that left none, the log's last lines (kubelet's two policies).
 */
export function terminationMessage(terminationLog: string, exitCode: number, policy: string | undefined, logTail: () => string): string {
  if (terminationLog === '' && exitCode !== 0 && policy === 'FallbackToLogsOnError') {
    const lines = logTail().split('\n').slice(-maxFallbackLogLines).join('\n');
    const bytes = Buffer.from(lines, 'utf8');
    return bytes.subarray(Math.max(0, bytes.length - maxFallbackLogBytes)).toString('utf8');
  }
  return truncateUtf8(terminationLog, maxTerminationMessageBytes);
}

type Status = { status: Record<string, unknown> };

const containerOf = (pod: V1Pod): { name: string; image: string } => ({
  name: pod.spec?.containers[0]?.name ?? '',
  image: pod.spec?.containers[0]?.image ?? '',
});

function conditions(ready: boolean, now: string, reason?: string): object[] {
  const ok = { status: 'True', lastTransitionTime: now };
  const notReady = { status: 'False', lastTransitionTime: now, ...(reason ? { reason } : {}) };
  return [
    { type: 'PodScheduled', ...ok },
    { type: 'Initialized', ...ok },
    { type: 'ContainersReady', ...(ready ? ok : notReady) },
    { type: 'Ready', ...(ready ? ok : notReady) },
  ];
}

export function runningStatus(pod: V1Pod, startedAt: string): Status {
  const container = { ...containerOf(pod), imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt } } };
  return {
    status: {
      phase: 'Running',
      hostIP: '127.0.0.1',
      podIP: '127.0.0.1',
      startTime: startedAt,
      conditions: conditions(true, startedAt),
      containerStatuses: [container],
    },
  };
}

export interface Termination {
  exitCode: number;
  /** kubelet's words: Completed (exit 0), Error, or why it never started. */
  reason: string;
  message: string;
  startedAt: string;
  finishedAt: string;
}

/** Exit 0 is Completed; anything else, a signal included (128 + its number), is Error. */
export function exitReason(exitCode: number): string {
  return exitCode === 0 ? 'Completed' : 'Error';
}

export function terminatedStatus(pod: V1Pod, t: Termination): Status {
  const terminated = { exitCode: t.exitCode, reason: t.reason, message: t.message, startedAt: t.startedAt, finishedAt: t.finishedAt };
  const container = { ...containerOf(pod), imageID: '', ready: false, started: false, restartCount: 0, state: { terminated } };
  const succeeded = t.exitCode === 0;
  return {
    status: {
      phase: succeeded ? 'Succeeded' : 'Failed',
      startTime: t.startedAt,
      conditions: conditions(false, t.finishedAt, 'PodCompleted'),
      containerStatuses: [container],
      // Set on a pod that never ran (config error, not a runner); cleared otherwise.
      reason: succeeded || t.reason === 'Error' ? null : t.reason,
      message: succeeded || t.reason === 'Error' ? null : t.message,
    },
  };
}

/**
 * A pod whose container is not started yet and why (kubelet: CreateContainerConfigError while a
 * Secret or key is missing, ErrImagePull then ImagePullBackOff): Pending, retried by the node, so
 * the Job neither fails nor completes on its own. Only the Job's deadline, or whoever follows it,
 * ends it.
 */
export function waitingStatus(pod: V1Pod, reason: string, message: string, now: string): Status {
  const container = { ...containerOf(pod), imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason, message } } };
  return { status: { phase: 'Pending', conditions: conditions(false, now, 'ContainersNotReady'), containerStatuses: [container] } };
}

/** A pod whose container could not be started at all (kubelet: StartError): Failed, and the Job with it. */
export function notStartedStatus(pod: V1Pod, reason: string, message: string, now: string): Status {
  return terminatedStatus(pod, { exitCode: 128, reason, message: truncateUtf8(message, maxTerminationMessageBytes), startedAt: now, finishedAt: now });
}
