/**
 * What one side of the backup benchmark used over its runs: the highest peak RSS and each run's CPU
 * seconds, for its own process (`command`), its children by name (`pg_dump`, `psql`), GNU time's
 * whole tree (`tree`), and the store (`store`: SeaweedFS shares the machine's two cores, which an
 * S3 store elsewhere would not).
 */
import type { MeasuredRun } from './measured-run.ts';
import { percentile } from './stats.ts';

export class RunUsage {
  private readonly peaks = new Map<string, number>();
  private readonly cpu = new Map<string, number[]>();

  add(run: MeasuredRun, storeCpuS: number): void {
    const entries: [string, number | undefined, number | undefined][] = [
      ['command', run.command.peakKb, run.command.cpuS],
      ...[...run.children].map(([name, use]): [string, number, number] => [name, use.peakKb, use.cpuS]),
      ['tree', run.treePeakKb, run.treeCpuS],
      ['store', undefined, storeCpuS],
    ];
    for (const [name, peakKb, cpuS] of entries) {
      if (peakKb !== undefined) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, peakKb));
      if (cpuS !== undefined) this.cpu.set(name, [...(this.cpu.get(name) ?? []), cpuS]);
    }
  }

  /** The highest peak RSS of `name` over the runs, in MiB. */
  peakMiB(name: string): number | undefined {
    const kb = this.peaks.get(name);
    return kb === undefined ? undefined : kb / 1024;
  }

  /** The median CPU seconds of `name` per run. */
  cpuP50(name: string): number | undefined {
    const samples = this.cpu.get(name);
    return samples ? percentile(samples, 50) : undefined;
  }
}
