/**
 * What a matterops runner reported in its pod's termination message (model/backup.ts
 * RunnerResultSchema), as the one line the change's outcome shows: for a backup its id, size,
 * sha256, duration and where it is; for a failure the stage and the reason.
 */
import { RunnerResultSchema, type RunnerResult } from '../model/backup.ts';
import { formatBytes } from '../text/bytes.ts';

export function parseRunnerResult(message: string | undefined): RunnerResult | undefined {
  if (!message) return undefined;
  try {
    const parsed = RunnerResultSchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function describeRunnerResult(result: RunnerResult): string {
  if (!result.ok) return `${result.operation} failed at ${result.stage}: ${result.error}`;
  if (result.operation === 'prune')
    return `pruned ${result.pruned?.length ?? 0} backup${result.pruned?.length === 1 ? '' : 's'}: ${result.pruned?.join(', ') || 'none'}`;
  const size = formatBytes(result.sizeBytes);
  const where = result.database ? `, restored into database ${result.database}` : '';
  const verified = result.operation === 'drill' ? ', verified and dropped' : '';
  return `${result.operation} ${result.backupId}: ${size}, sha256 ${result.sha256.slice(0, 16)}…, ${seconds(result.durationMs)}, ${result.location}${where}${verified}`;
}
