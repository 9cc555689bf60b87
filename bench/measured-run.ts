/**
 * A command run for the backup benchmark with its peak memory measured. Under GNU time (`-v`, its
 * report in a file so the command's own stderr stays apart) when /usr/bin/time is there: its
 * "Maximum resident set size" is the peak of the largest process of the tree (wait4 counts the
 * waited-for children too), so it cannot say whether node or its pg_dump child peaked. Hence the
 * tree is also polled every 50 ms for each process's VmHWM (its own high-water mark, which only
 * grows) and CPU time: the command's, and its children's by name (node's main thread is named
 * MainThread, so the command is told by its place, not its name). The last reading before a
 * process ends stands for its whole run, short of its final 50 ms.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const gnuTime = '/usr/bin/time';
const pollMs = 50;

/** What a process used, from polling /proc: its peak RSS (VmHWM, kB) and CPU seconds, as last seen. */
export interface ProcessUse {
  peakKb: number;
  cpuS: number;
}

export interface MeasuredRun {
  code: number | null;
  stderr: string;
  /** The command's own process. */
  command: ProcessUse;
  /** Its descendants by process name (`pg_dump`, `psql`). */
  children: Map<string, ProcessUse>;
  /** GNU time's peak RSS of the whole tree (kB) and its CPU seconds; undefined without /usr/bin/time. */
  treePeakKb: number | undefined;
  treeCpuS: number | undefined;
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

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on Linux). */
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds (user and system) a process has used so far, or undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  // The fields after the command name, which may hold spaces, are after the last ')'; utime and
  // stime are the 14th and 15th of the line.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields ? (Number(fields[11]) + Number(fields[12])) / ticksPerSecond : undefined;
}

interface Seen {
  name: string;
  peakKb: number;
  cpuS: number;
}

function look(pid: number, seen: Map<number, Seen>): void {
  const status = readProc(`/proc/${pid}/status`) ?? '';
  const name = /^Name:\s+(\S+)/m.exec(status)?.[1];
  const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  const cpu = cpuSeconds(pid);
  if (!name || !Number.isFinite(kb) || cpu === undefined) return; // ended meanwhile
  seen.set(pid, { name, peakKb: Math.max(seen.get(pid)?.peakKb ?? 0, kb), cpuS: cpu });
}

/** Children by name: the highest peak, and the CPU of all of that name. */
function byName(seen: Map<number, Seen>, command: number | undefined): Map<string, ProcessUse> {
  const out = new Map<string, ProcessUse>();
  for (const [pid, { name, peakKb, cpuS }] of seen) {
    if (pid === command) continue;
    const before = out.get(name) ?? { peakKb: 0, cpuS: 0 };
    out.set(name, { peakKb: Math.max(before.peakKb, peakKb), cpuS: before.cpuS + cpuS });
  }
  return out;
}

function timeReportValue(report: string, label: string): number | undefined {
  const value = new RegExp(`${label}: ([\\d.]+)`).exec(report)?.[1];
  return value === undefined ? undefined : Number(value);
}

/** Runs `command` with exactly `env` (nothing inherited) and resolves when it has exited. */
export async function measuredRun(command: string, args: string[], env: Record<string, string>, workDir: string): Promise<MeasuredRun> {
  const timeReport = join(workDir, 'time-report');
  const useTime = existsSync(gnuTime);
  const child = useTime
    ? spawn(gnuTime, ['-v', '-o', timeReport, command, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const seen = new Map<number, Seen>();
  let commandPid: number | undefined;
  const poller = setInterval(() => {
    commandPid ??= useTime && child.pid ? children(child.pid)[0] : child.pid;
    if (commandPid === undefined) return;
    for (const pid of [commandPid, ...descendants(commandPid)]) look(pid, seen);
  }, pollMs);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearInterval(poller));
  const report = useTime ? (readProc(timeReport) ?? '') : '';
  const [user, system] = [timeReportValue(report, 'User time \\(seconds\\)'), timeReportValue(report, 'System time \\(seconds\\)')];
  const own = commandPid === undefined ? undefined : seen.get(commandPid);
  return {
    code,
    stderr,
    command: { peakKb: own?.peakKb ?? 0, cpuS: own?.cpuS ?? 0 },
    children: byName(seen, commandPid),
    treePeakKb: timeReportValue(report, 'Maximum resident set size \\(kbytes\\)'),
    treeCpuS: user === undefined || system === undefined ? undefined : user + system,
  };
}
