/**
 * A command run for the backup benchmark with its peak memory measured. Under GNU time (`-v`, its
 * report in a file so the command's own stderr stays apart) when /usr/bin/time is there: its
 * "Maximum resident set size" is the peak of the largest process of the tree (wait4 counts the
 * waited-for children too), so it cannot say whether node or its pg_dump child peaked. Hence the
 * tree is also polled every 50 ms for each process's VmHWM (its own high-water mark, which only
 * grows): the command's, and its children's by name (node's main thread is named MainThread, so the
 * command is told by its place, not its name). The last reading before a process ends is its peak,
 * short of a spike in its final 50 ms.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const gnuTime = '/usr/bin/time';
const pollMs = 50;

export interface MeasuredRun {
  code: number | null;
  stderr: string;
  /** Peak RSS of the command's own process, in kB, from polling VmHWM. */
  commandPeakKb: number;
  /** Peak RSS of its descendants per process name (`pg_dump`, `psql`), in kB, from polling VmHWM. */
  childPeakKb: Map<string, number>;
  /** GNU time's peak of the whole tree in kB; undefined without /usr/bin/time. */
  treePeakKb: number | undefined;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended between the listing and the read
  }
}

/** A process's children (listed per thread, by the thread that forked them). */
function children(pid: number): number[] {
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // it has ended
  }
  return tasks.flatMap((task) => (readProc(`/proc/${pid}/task/${task}/children`) ?? '').split(' ').filter(Boolean).map(Number));
}

const descendants = (pid: number): number[] => children(pid).flatMap((child) => [child, ...descendants(child)]);

function highWaterMark(pid: number): { name: string; kb: number } | undefined {
  const status = readProc(`/proc/${pid}/status`) ?? '';
  const name = /^Name:\s+(\S+)/m.exec(status)?.[1];
  const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return name && Number.isFinite(kb) ? { name, kb } : undefined;
}

interface Peaks {
  command: number;
  children: Map<string, number>;
}

/** `command` is the command's own process (GNU time's child when under time). */
function pollPeaks(command: number | undefined, peaks: Peaks): void {
  if (command === undefined) return;
  peaks.command = Math.max(peaks.command, highWaterMark(command)?.kb ?? 0);
  for (const pid of descendants(command)) {
    const mark = highWaterMark(pid);
    if (mark) peaks.children.set(mark.name, Math.max(peaks.children.get(mark.name) ?? 0, mark.kb));
  }
}

/** Runs `command` with exactly `env` (nothing inherited) and resolves when it has exited. */
export async function measuredRun(command: string, args: string[], env: Record<string, string>, workDir: string): Promise<MeasuredRun> {
  const timeReport = join(workDir, 'time-report');
  const useTime = existsSync(gnuTime);
  const child = useTime
    ? spawn(gnuTime, ['-v', '-o', timeReport, command, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const peaks: Peaks = { command: 0, children: new Map() };
  const commandPid = (): number | undefined => (useTime && child.pid ? children(child.pid)[0] : child.pid);
  const poller = setInterval(() => pollPeaks(commandPid(), peaks), pollMs);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearInterval(poller));
  const reported = useTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(readProc(timeReport) ?? '')?.[1] : undefined;
  return { code, stderr, commandPeakKb: peaks.command, childPeakKb: peaks.children, treePeakKb: reported ? Number(reported) : undefined };
}
