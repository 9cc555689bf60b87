/**
 * A Mattermost installation as matterops sees it: the parts of the operator's custom resource
 * (`installation.mattermost.com/v1beta1`, reference/mattermost.md A.1) that verbs read. Parsed
 * leniently: fields the operator has not written yet are simply absent.
 */
import { z } from 'zod';

const EnvVarSchema = z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.unknown().optional() });

export const MattermostResourceSchema = z
  .object({
    metadata: z.object({
      name: z.string(),
      namespace: z.string(),
      generation: z.number().optional(),
      resourceVersion: z.string().optional(),
      creationTimestamp: z.union([z.string(), z.date()]).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    }),
    spec: z
      .object({
        version: z.string().optional(),
        image: z.string().optional(),
        replicas: z.number().optional(),
        size: z.string().optional(),
        ingress: z.object({ enabled: z.boolean().optional(), host: z.string().optional() }).optional(),
        database: z
          .object({
            external: z.object({ secret: z.string().optional() }).optional(),
            operatorManaged: z.object({ type: z.string().optional() }).optional(),
          })
          .optional(),
        fileStore: z
          .object({
            external: z.object({ url: z.string().optional(), bucket: z.string().optional(), secret: z.string().optional() }).optional(),
            externalVolume: z.object({ volumeClaimName: z.string().optional() }).optional(),
            local: z.object({ enabled: z.boolean().optional() }).optional(),
            operatorManaged: z.object({}).loose().optional(),
          })
          .optional(),
        mattermostEnv: z.array(EnvVarSchema).optional(),
        podTemplate: z
          .object({ extraAnnotations: z.record(z.string(), z.string()).optional() })
          .loose()
          .optional(),
      })
      .loose()
      .default({}),
    status: z
      .object({
        state: z.string().optional(),
        version: z.string().optional(),
        image: z.string().optional(),
        replicas: z.number().optional(),
        updatedReplicas: z.number().optional(),
        observedGeneration: z.number().optional(),
        endpoint: z.string().optional(),
        error: z.string().optional(),
      })
      .loose()
      .default({}),
  })
  .loose();
export type MattermostResource = z.infer<typeof MattermostResourceSchema>;

/** The image repository the operator runs when a CR names none (`spec.image` unset). */
export const defaultImageRepository = 'mattermost/mattermost-enterprise-edition';

/** An env var of the installation; a value from a secret or config map has no value here. */
export interface EnvVar {
  name: string;
  value: string | undefined;
  fromRef: boolean;
  /** The reference itself, carried through unchanged when the list is written back; never shown. */
  valueFrom?: unknown;
}

export interface Installation {
  namespace: string;
  name: string;
  generation: number;
  resourceVersion: string;
  createdAt: Date | undefined;
  spec: {
    version: string | undefined;
    image: string | undefined;
    replicas: number | undefined;
    ingressHost: string | undefined;
    database: string;
    /** What the last `restore` switched from (its annotations on the CR), for `restore --undo`. */
    restoredFrom: RestoredFrom | undefined;
    /** The external database's Secret (its `DB_CONNECTION_STRING`), when the database is external. */
    databaseSecret: string | undefined;
    fileStore: string;
    env: EnvVar[];
    podAnnotations: Record<string, string>;
  };
  status: {
    state: string | undefined;
    version: string | undefined;
    image: string | undefined;
    replicas: number | undefined;
    updatedReplicas: number | undefined;
    observedGeneration: number | undefined;
    endpoint: string | undefined;
    error: string | undefined;
  };
}

type Spec = MattermostResource['spec'];

/** The kind of database, never a secret's content: "external (secret chat-db)". */
function describeDatabase(spec: Spec): string {
  if (spec.database?.external?.secret) return `external (secret ${spec.database.external.secret})`;
  if (spec.database?.operatorManaged) return `operator-managed ${spec.database.operatorManaged.type ?? 'mysql'}`;
  return 'operator-managed mysql (default)';
}

function describeFileStore(spec: Spec): string {
  const fs = spec.fileStore;
  if (fs?.external) return `S3 ${fs.external.url ?? '?'}/${fs.external.bucket ?? '?'} (secret ${fs.external.secret ?? '-'})`;
  if (fs?.externalVolume) return `volume ${fs.externalVolume.volumeClaimName ?? '?'}`;
  if (fs?.local?.enabled) return 'local volume';
  return 'operator-managed MinIO';
}

/** Annotations a restore writes on the CR with its switch, and `restore --undo` reads and clears. */
export const restoreAnnotations = {
  previousSecret: 'matterops.io/previous-database-secret',
  backupId: 'matterops.io/restored-backup',
  restoredAt: 'matterops.io/restored-at',
  /** `added` or `replaced`: what the restore did to MM_SQLSETTINGS_DATASOURCE in mattermostEnv (absent: nothing). */
  dataSourceEnv: 'matterops.io/restored-datasource-env',
} as const;

export interface RestoredFrom {
  previousSecret: string;
  backupId: string;
  restoredAt: string;
  /** What the restore wrote to the CR's env for the DataSource; undefined when the operator's own mount did it. */
  dataSourceEnv: 'added' | 'replaced' | undefined;
}

const dataSourceEnvOf = (value: string | undefined): RestoredFrom['dataSourceEnv'] => (value === 'added' || value === 'replaced' ? value : undefined);

function restoredFromOf(annotations: Record<string, string>): RestoredFrom | undefined {
  const previousSecret = annotations[restoreAnnotations.previousSecret];
  if (!previousSecret) return undefined;
  return {
    previousSecret,
    backupId: annotations[restoreAnnotations.backupId] ?? '?',
    restoredAt: annotations[restoreAnnotations.restoredAt] ?? '?',
    dataSourceEnv: dataSourceEnvOf(annotations[restoreAnnotations.dataSourceEnv]),
  };
}

/** An env var as `spec.mattermostEnv` holds it, for writing the list back. */
export const envVarSpec = (e: EnvVar): object => (e.fromRef ? { name: e.name, valueFrom: e.valueFrom } : { name: e.name, value: e.value ?? '' });

const envOf = (spec: Spec): EnvVar[] =>
  (spec.mattermostEnv ?? []).map((e) => ({
    name: e.name,
    value: e.value,
    fromRef: e.valueFrom !== undefined,
    ...(e.valueFrom !== undefined ? { valueFrom: e.valueFrom } : {}),
  }));

export function toInstallation(raw: unknown): Installation {
  const r = MattermostResourceSchema.parse(raw);
  const created = r.metadata.creationTimestamp;
  return {
    namespace: r.metadata.namespace,
    name: r.metadata.name,
    generation: r.metadata.generation ?? 0,
    resourceVersion: r.metadata.resourceVersion ?? '',
    createdAt: created === undefined ? undefined : new Date(created),
    spec: {
      version: r.spec.version,
      image: r.spec.image,
      replicas: r.spec.replicas,
      ingressHost: r.spec.ingress?.enabled === false ? undefined : r.spec.ingress?.host,
      database: describeDatabase(r.spec),
      databaseSecret: r.spec.database?.external?.secret,
      restoredFrom: restoredFromOf(r.metadata.annotations ?? {}),
      fileStore: describeFileStore(r.spec),
      env: envOf(r.spec),
      podAnnotations: r.spec.podTemplate?.extraAnnotations ?? {},
    },
    status: {
      state: r.status.state,
      version: r.status.version,
      image: r.status.image,
      replicas: r.status.replicas,
      updatedReplicas: r.status.updatedReplicas,
      observedGeneration: r.status.observedGeneration,
      endpoint: r.status.endpoint,
      error: r.status.error,
    },
  };
}

/** Done means the operator has seen this generation and calls it stable (reference A.3). */
export function isStable(i: Installation): boolean {
  return i.status.state === 'stable' && (i.status.observedGeneration ?? 0) >= i.generation;
}
