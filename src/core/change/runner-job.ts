/**
 * The Job that runs a matterops runner (`matterops backup run`, `restore run`, `drill run`) in an
 * installation's namespace, and the steps that create it and wait for it. Every credential reaches
 * the pod through `secretKeyRef`: the Job names Secrets, the bot never reads them, and nothing
 * secret is in the plan, the preview, the in-flight record or an Event.
 */
import { backupAnnotations, backupLabels, runnerEnv, type RunnerOperation } from '../model/backup.ts';
import type { BackupSettings } from '../model/backup-settings.ts';
import type { Installation } from '../model/installation.ts';
import { kinds } from '../model/resource.ts';
import type { Step } from '../model/step.ts';
import { MatteropsError } from '../errors.ts';

/** How long a runner may take before Kubernetes stops it: a large database dumps for a while. */
export const runnerDeadlineSeconds = 2 * 3600;

export interface RunnerJobRequest {
  operation: RunnerOperation;
  /** Names the Job: the backup's id for a backup, an id of its own for any other run. */
  runId: string;
  /** The backup it makes (backup) or reads (restore, drill). */
  backupId: string;
  installation: Installation;
  requestedBy: string;
  note?: string;
  /** Plain (non-secret) settings of this run: target database, target Secret, ids to prune. */
  env?: Record<string, string>;
  /** Restore and drill create a database: they get the admin Secret too. */
  admin?: boolean;
  /** More annotations on the Job (a prune names the ids it deletes, for the catalog). */
  annotations?: Record<string, string>;
}

const secretRef = (name: string, secret: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
const plain = (name: string, value: string) => ({ name, value });

/** `matterops-backup-20261201-231800-a1b2`: one Job per run, named after what it does. */
export const runnerJobName = (operation: RunnerOperation, runId: string): string => `matterops-${operation}-${runId}`;

/**
 * A database name for a restore or drill, from the installation and the run: lowercase, `_` for
 * `-`, at most 63 bytes (PostgreSQL's limit), `mattermost_staging_drill_20261201_231800_a1b2`.
 */
export function derivedDatabaseName(installation: string, purpose: 'restore' | 'drill', runId: string): string {
  const tail = `_${purpose}_${runId.replaceAll('-', '_')}`;
  return `${installation.replaceAll('-', '_').slice(0, 63 - tail.length)}${tail}`;
}

/** The database Secret a runner reads: only an external database can be backed up by matterops. */
export function databaseSecretOf(installation: Installation): string {
  if (installation.spec.databaseSecret) return installation.spec.databaseSecret;
  throw new MatteropsError(
    'invalid',
    `${installation.namespace}/${installation.name} has no external database (${installation.spec.database}), and matterops backs up only external ones`,
    'back up an operator-managed database with the tools of its own operator',
  );
}

export function runnerJob(settings: BackupSettings, req: RunnerJobRequest): Record<string, unknown> {
  const { installation: i } = req;
  const labels = {
    [backupLabels.runner]: 'job',
    [backupLabels.operation]: req.operation,
    [backupLabels.backupId]: req.backupId,
    [backupLabels.installation]: i.name,
  };
  const annotations = {
    [backupAnnotations.requestedBy]: req.requestedBy,
    ...(req.note ? { [backupAnnotations.note]: req.note } : {}),
    ...req.annotations,
  };
  const env = [
    // A prune only deletes objects in the store: it never gets the database.
    ...(req.operation === 'prune' ? [] : [secretRef(runnerEnv.databaseUrl, databaseSecretOf(i), 'DB_CONNECTION_STRING')]),
    ...(req.admin ? [secretRef(runnerEnv.adminDatabaseUrl, settings.adminSecret, 'DB_ADMIN_CONNECTION_STRING')] : []),
    secretRef(runnerEnv.accessKeyId, settings.storeSecret, 'AWS_ACCESS_KEY_ID'),
    secretRef(runnerEnv.secretAccessKey, settings.storeSecret, 'AWS_SECRET_ACCESS_KEY'),
    ...(settings.store.endpoint ? [plain(runnerEnv.endpoint, settings.store.endpoint)] : []),
    plain(runnerEnv.bucket, settings.store.bucket),
    plain(runnerEnv.region, settings.store.region),
    plain(runnerEnv.prefix, settings.store.prefix),
    plain(runnerEnv.backupId, req.backupId),
    plain(runnerEnv.installation, `${i.namespace}/${i.name}`),
    plain(runnerEnv.requestedBy, req.requestedBy),
    ...(req.note ? [plain(runnerEnv.note, req.note)] : []),
    ...Object.entries(req.env ?? {}).map(([k, v]) => plain(k, v)),
  ];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: runnerJobName(req.operation, req.runId), namespace: i.namespace, labels, annotations },
    spec: {
      // A failed run is reported, never retried behind the user's back: a retry is a new command.
      backoffLimit: 0,
      activeDeadlineSeconds: runnerDeadlineSeconds,
      ttlSecondsAfterFinished: settings.jobTtlSeconds,
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: settings.serviceAccount,
          containers: [
            {
              name: 'runner',
              image: settings.runnerImage,
              command: ['matterops', req.operation, 'run'],
              env,
              // The runner writes its JSON result there; a crash leaves its last log line instead.
              terminationMessagePolicy: 'FallbackToLogsOnError',
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: false },
              // A restore or drill downloads the dump there before pg_restore reads it.
              volumeMounts: [{ name: 'scratch', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'scratch', emptyDir: {} }],
        },
      },
    },
  };
}

export interface RunJobOptions {
  /** Where things stand when the Job fails, and what to run next. */
  ifFailed?: string;
  /** Made again by a resumed change (the Job names Secrets, holds none; its name makes a second create a no-op). */
  resumable?: boolean;
}

/** Create the runner Job, then wait until it has succeeded (a failed one fails the change). */
export function runJob(settings: BackupSettings, req: RunnerJobRequest, options: RunJobOptions = {}): Step[] {
  const name = runnerJobName(req.operation, req.runId);
  const { namespace } = req.installation;
  return [
    {
      kind: 'write',
      resource: kinds.job,
      namespace,
      name,
      action: { kind: 'create', body: runnerJob(settings, req) },
      ...(options.resumable ? { resumable: true } : {}),
    },
    {
      kind: 'wait',
      until: 'job-complete',
      namespace,
      name,
      // Kubernetes stops the Job at its deadline: the wait lasts as long, and a minute to see it fail.
      timeoutSeconds: runnerDeadlineSeconds + 60,
      ...(options.ifFailed ? { ifFailed: options.ifFailed } : {}),
    },
  ];
}
