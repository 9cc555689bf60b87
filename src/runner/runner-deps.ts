/** What the runner's operations are given: the store's client, the clock, and a line to stderr for progress. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { KubeConfig } from '@kubernetes/client-node';
import type { RunnerResult } from '../core/model/backup.ts';

export interface RunnerDeps {
  s3: S3Client;
  now: () => Date;
  /** Progress for the pod's log; never a secret (the caller sanitises it as well). */
  log: (line: string) => void;
  /** restore: where the target Secret is written (in a pod: its service account); loaded only then. */
  kubeConfig: () => Promise<KubeConfig>;
}

export type RunnerSuccess = Extract<RunnerResult, { ok: true }>;
