/**
 * matterops configuration: one zod schema, validated once at start, every problem reported together
 * (t3-env style). Environment variables override the optional YAML file.
 */
import { z } from 'zod';
import { IncidentsConfigSchema, incidentsEnvBindings } from './incidents-config.ts';
import { AlertmanagerConfigSchema, alertmanagerEnvBindings } from './alertmanager-config.ts';

/** A list given as `a,b,c` in the environment or as a YAML list. */
const commaList = (value: unknown): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : value;

export const ConfigSchema = z.object({
  kubernetes: z
    .object({
      /** A kubeconfig file; without it KUBECONFIG, ~/.kube/config or the in-cluster account. */
      kubeconfig: z.string().min(1).optional(),
      /**
       * The context used when a command names none; default: the first of `contexts`, else the
       * kubeconfig's current context.
       */
      defaultContext: z.string().min(1).optional(),
      /**
       * The kubeconfig contexts commands may use (`--cluster`); default: only the default context.
       * Any other context of the kubeconfig (a laptop's admin context, say) stays out of reach.
       */
      contexts: z
        .preprocess(
          commaList,
          z
            .array(z.string().min(1))
            .min(1, { error: 'kubernetes.contexts (MATTEROPS_KUBE_CONTEXTS) must name at least one context, like sandbox-bot,sandbox-alice' }),
        )
        .optional(),
      /** Seconds one Kubernetes call may take before it is abandoned (watches stay open; they restart when idle). */
      requestTimeoutSeconds: z.coerce.number().min(1).max(300).default(10),
    })
    .default({ requestTimeoutSeconds: 10 }),
  defaults: z
    .object({
      namespace: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'defaults.namespace must be a DNS-1123 label' })
        .default('default'),
    })
    .default({ namespace: 'default' }),
  mattermost: z
    .object({
      url: z.url({ error: 'mattermost.url (MM_URL) must be a URL like https://chat.example.com' }).optional(),
      botToken: z.string().min(20, { error: 'mattermost.botToken (MM_BOT_TOKEN) looks too short to be a token' }).optional(),
      team: z.string().optional(),
      /** Tokens of the /k8s slash commands allowed to call us (comma-separated in MM_SLASH_TOKEN). */
      slashTokens: z.string().optional(),
      /**
       * An optional ceiling on sends per second. Without it the bot paces itself by the server's
       * rate limit headers (docs/mattermost.md, "Pacing"); set it when other clients share that limit.
       */
      postsPerSecond: z.coerce.number().min(0.5).max(1000).optional(),
      /**
       * How often serve asks whether the companion webapp plugin is active (it posts cards only
       * then; docs/mattermost.md, "The companion plugin"), in seconds.
       */
      pluginCheckSeconds: z.coerce
        .number()
        .int()
        .min(10, { error: 'mattermost.pluginCheckSeconds (MATTEROPS_PLUGIN_CHECK_SECONDS) is at least 10' })
        .max(86_400)
        .default(300),
    })
    .default({ pluginCheckSeconds: 300 }),
  http: z
    .object({
      /** Where `matterops serve` listens, host:port. */
      listen: z
        .string()
        .regex(/^[^:]+:\d+$/, { error: 'http.listen (MATTEROPS_HTTP_LISTEN) is host:port, like 127.0.0.1:8080' })
        .default('127.0.0.1:8080'),
      /** The URL Mattermost uses to reach us (slash command and buttons); default http://<listen>. */
      publicUrl: z.url().optional(),
      /** Where `/metrics` is served instead, host:port; without it `/metrics` is on `listen` with the webhooks. */
      metricsListen: z
        .string()
        .regex(/^[^:]+:\d+$/, { error: 'http.metricsListen (MATTEROPS_METRICS_LISTEN) is host:port, like 0.0.0.0:9090' })
        .optional(),
    })
    .default({ listen: '127.0.0.1:8080' }),
  /** Namespace of the bot's own state (handled chat posts, waiting plans, the leader Lease). */
  stateNamespace: z.string().default('matterops'),
  /** Schedules of status digests (docs/digests.md). */
  schedules: z
    .object({
      /** How often the leader reads the schedules between firings (a schedule added elsewhere, a `schedule test`). */
      pollSeconds: z.coerce.number().int().min(1).max(300).default(15),
      /** The shortest gap between two firings of a schedule: 15 minutes; lower only for tests. */
      minimumGapSeconds: z.coerce.number().int().min(60).max(86_400).default(900),
    })
    .default({ pollSeconds: 15, minimumGapSeconds: 900 }),
  /** Leader Lease duration: of several `serve` replicas, only the leader listens for mentions. */
  leaderSeconds: z.coerce.number().int().min(3).max(600).default(15),
  limits: z
    .object({
      maxLogLines: z.coerce.number().int().min(1).max(5_000).default(1_000),
      maxReplyChars: z.coerce.number().int().min(1_000).max(16_000).default(12_000),
    })
    .default({ maxLogLines: 1_000, maxReplyChars: 12_000 }),
  /** The access policy file (YAML); without one, terminal users may read and nobody may change anything. */
  policyFile: z.string().min(1).optional(),
  /** Key for signing confirmations; without one a random key is made per process. */
  signingKey: z.string().min(16, { error: 'signingKey (MATTEROPS_SIGNING_KEY) must be at least 16 characters' }).optional(),
  changes: z
    .object({
      followTimeout: z
        .string()
        .regex(/^(?:\d+h)?(?:\d+m)?(?:\d+s)?$/, { error: 'changes.followTimeout must look like 10m or 1h30m' })
        .default('10m'),
      lockSeconds: z.coerce.number().int().min(2).max(600).default(30),
      confirmMinutes: z.coerce.number().int().min(1).max(60).default(5),
    })
    .default({ followTimeout: '10m', lockSeconds: 30, confirmMinutes: 5 }),
  /** Database backups (docs/backups.md); off until a bucket is named. */
  backups: z
    .object({
      s3: z
        .object({
          endpoint: z.url({ error: 'backups.s3.endpoint (MATTEROPS_BACKUP_S3_ENDPOINT) must be a URL like http://127.0.0.1:8333' }).optional(),
          bucket: z.string().min(3).optional(),
          region: z.string().min(1).default('us-east-1'),
          prefix: z.string().default(''),
          /** The bot's own credentials: it lists the catalog (read only); runner pods get theirs from `storeSecret`. */
          accessKeyId: z.string().min(1).optional(),
          secretAccessKey: z.string().min(1).optional(),
        })
        .default({ region: 'us-east-1', prefix: '' }),
      storeSecret: z.string().min(1).default('matterops-backup-store'),
      adminSecret: z.string().min(1).default('matterops-db-admin'),
      runnerImage: z.string().min(1).optional(),
      serviceAccount: z.string().min(1).default('matterops-runner'),
      keepLast: z.coerce.number().int().min(0).optional(),
      keepDaily: z.coerce.number().int().min(0).optional(),
      keepWeekly: z.coerce.number().int().min(0).optional(),
      keepMonthly: z.coerce.number().int().min(0).optional(),
      jobTtlSeconds: z.coerce
        .number()
        .int()
        .min(60)
        .default(7 * 24 * 3600),
    })
    .default({
      s3: { region: 'us-east-1', prefix: '' },
      storeSecret: 'matterops-backup-store',
      adminSecret: 'matterops-db-admin',
      serviceAccount: 'matterops-runner',
      jobTtlSeconds: 7 * 24 * 3600,
    }),
  /** Incident notifications (docs/incidents.md). */
  incidents: IncidentsConfigSchema,
  /** Alertmanager's webhook (docs/incidents.md). */
  alertmanager: AlertmanagerConfigSchema,
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Where each environment variable lands in the config. */
export const envBindings: Record<string, string[]> = {
  MATTEROPS_KUBECONFIG: ['kubernetes', 'kubeconfig'],
  MATTEROPS_KUBE_CONTEXT: ['kubernetes', 'defaultContext'],
  MATTEROPS_KUBE_CONTEXTS: ['kubernetes', 'contexts'],
  MATTEROPS_KUBE_TIMEOUT_SECONDS: ['kubernetes', 'requestTimeoutSeconds'],
  MATTEROPS_NAMESPACE: ['defaults', 'namespace'],
  MM_URL: ['mattermost', 'url'],
  MM_BOT_TOKEN: ['mattermost', 'botToken'],
  MM_TEAM: ['mattermost', 'team'],
  MM_SLASH_TOKEN: ['mattermost', 'slashTokens'],
  MM_POSTS_PER_SECOND: ['mattermost', 'postsPerSecond'],
  MATTEROPS_PLUGIN_CHECK_SECONDS: ['mattermost', 'pluginCheckSeconds'],
  MATTEROPS_HTTP_LISTEN: ['http', 'listen'],
  MATTEROPS_PUBLIC_URL: ['http', 'publicUrl'],
  MATTEROPS_METRICS_LISTEN: ['http', 'metricsListen'],
  MATTEROPS_STATE_NAMESPACE: ['stateNamespace'],
  MATTEROPS_LEADER_SECONDS: ['leaderSeconds'],
  MATTEROPS_SCHEDULE_POLL_SECONDS: ['schedules', 'pollSeconds'],
  MATTEROPS_SCHEDULE_MINIMUM_GAP_SECONDS: ['schedules', 'minimumGapSeconds'],
  MATTEROPS_MAX_LOG_LINES: ['limits', 'maxLogLines'],
  MATTEROPS_LOG_LEVEL: ['logLevel'],
  MATTEROPS_POLICY: ['policyFile'],
  MATTEROPS_SIGNING_KEY: ['signingKey'],
  MATTEROPS_FOLLOW_TIMEOUT: ['changes', 'followTimeout'],
  MATTEROPS_LOCK_SECONDS: ['changes', 'lockSeconds'],
  MATTEROPS_BACKUP_S3_ENDPOINT: ['backups', 's3', 'endpoint'],
  MATTEROPS_BACKUP_S3_BUCKET: ['backups', 's3', 'bucket'],
  MATTEROPS_BACKUP_S3_REGION: ['backups', 's3', 'region'],
  MATTEROPS_BACKUP_S3_PREFIX: ['backups', 's3', 'prefix'],
  MATTEROPS_BACKUP_S3_ACCESS_KEY_ID: ['backups', 's3', 'accessKeyId'],
  MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY: ['backups', 's3', 'secretAccessKey'],
  MATTEROPS_BACKUP_STORE_SECRET: ['backups', 'storeSecret'],
  MATTEROPS_BACKUP_ADMIN_SECRET: ['backups', 'adminSecret'],
  MATTEROPS_RUNNER_IMAGE: ['backups', 'runnerImage'],
  MATTEROPS_RUNNER_SERVICE_ACCOUNT: ['backups', 'serviceAccount'],
  MATTEROPS_BACKUP_KEEP_LAST: ['backups', 'keepLast'],
  MATTEROPS_BACKUP_KEEP_DAILY: ['backups', 'keepDaily'],
  MATTEROPS_BACKUP_KEEP_WEEKLY: ['backups', 'keepWeekly'],
  MATTEROPS_BACKUP_KEEP_MONTHLY: ['backups', 'keepMonthly'],
  MATTEROPS_BACKUP_JOB_TTL_SECONDS: ['backups', 'jobTtlSeconds'],
  ...incidentsEnvBindings,
  ...alertmanagerEnvBindings,
};

/** Config is printed with these replaced by a mask. */
export const secretConfigPaths = ['mattermost.botToken', 'mattermost.slashTokens', 'signingKey', 'backups.s3.secretAccessKey', 'alertmanager.token'];
