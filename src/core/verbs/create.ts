/**
 * `create <name> --version V ...`: a new Mattermost CR with an explicit ingress block (without one
 * the operator assumes ingress and fails for lack of a host), after checking that the database and
 * filestore secrets exist and hold the keys the operator needs (never reading their values).
 */
import { dnsName, semver } from '../model/patterns.ts';
import { z } from 'zod';
import { quoted } from '../text/excerpt.ts';
import { ChangeVerbFlagsSchema } from '../grammar/change-flags.ts';
import { InstallationNameSchema, NameSchema } from '../grammar/common-schemas.ts';
import { MatteropsError, usageError } from '../errors.ts';
import type { ChangeDraft } from '../model/draft.ts';
import type { VerbContext } from '../verb-context.ts';
import { defineChange } from '../verb.ts';
import { writeThenWait } from '../change/installation-steps.ts';
import { ReplicasSchema } from './scale.ts';

export const sizes = ['100users', '1000users', '5000users', '10000users', '25000users', 'miniSingleton', 'miniHA'] as const;

export const CreateSchema = ChangeVerbFlagsSchema.extend({
  verb: z.literal('create'),
  name: InstallationNameSchema,
  version: z
    .string({ error: 'create needs --version, like --version 11.1.0' })
    .regex(semver, { error: (i) => `--version must look like 11.1.0, got ${quoted(i.input)}` }),
  size: z.enum(sizes, { error: (i) => `--size must be one of ${sizes.join(', ')}, got ${quoted(i.input)}` }).optional(),
  replicas: ReplicasSchema.optional(),
  host: z
    .string()
    .regex(dnsName, { error: (i) => `--host must be a DNS name like chat.example.com, got ${quoted(i.input)}` })
    .optional(),
  noIngress: z.boolean().optional(),
  dbSecret: NameSchema('--db-secret'),
  filestoreSecret: NameSchema('--filestore-secret').optional(),
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: (i) => `--bucket must be an S3 bucket name, got ${quoted(i.input)}` })
    .optional(),
  s3Url: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, { error: (i) => `--s3-url is a host[:port] like s3.amazonaws.com, got ${quoted(i.input)}` })
    .optional(),
  filestorePvc: NameSchema('--filestore-pvc').optional(),
}).superRefine((op, ctx) => {
  const fail = (message: string): void => ctx.addIssue({ code: 'custom', message });
  if (op.size && op.replicas !== undefined) fail('give --size or --replicas, not both');
  if (op.host && op.noIngress) fail('give --host or --no-ingress, not both');
  const s3 = [op.filestoreSecret, op.bucket, op.s3Url].filter(Boolean).length;
  if (s3 > 0 && s3 < 3) fail('an S3 filestore needs all of --filestore-secret, --bucket and --s3-url');
  if (s3 === 3 && op.filestorePvc) fail('give an S3 filestore or --filestore-pvc, not both');
  if (s3 === 0 && !op.filestorePvc) fail('create needs a filestore: --filestore-secret S --bucket B --s3-url U, or --filestore-pvc P');
});
export type CreateOperation = z.infer<typeof CreateSchema>;

async function requireKeys(ctx: VerbContext, namespace: string, secret: string, keys: string[]): Promise<void> {
  const found = await ctx.gateway.secretKeys(namespace, secret);
  if (found === undefined) throw new MatteropsError('invalid', `secret ${namespace}/${secret} does not exist`, `create it first with ${keys.join(' and ')}`);
  const missing = keys.filter((k) => !found.includes(k));
  if (missing.length)
    throw new MatteropsError('invalid', `secret ${namespace}/${secret} lacks ${missing.join(' and ')}`, `the operator needs ${keys.join(' and ')} in it`);
}

function body(op: CreateOperation, namespace: string): Record<string, unknown> {
  const fileStore = op.filestorePvc
    ? { externalVolume: { volumeClaimName: op.filestorePvc } }
    : { external: { url: op.s3Url, bucket: op.bucket, secret: op.filestoreSecret } };
  return {
    apiVersion: 'installation.mattermost.com/v1beta1',
    kind: 'Mattermost',
    metadata: { name: op.name, namespace, labels: { 'app.kubernetes.io/managed-by': 'matterops' } },
    spec: {
      version: op.version,
      ...(op.size ? { size: op.size } : { replicas: op.replicas ?? 2 }),
      ingress: op.host ? { enabled: true, host: op.host } : { enabled: false },
      database: { external: { secret: op.dbSecret } },
      fileStore,
    },
  };
}

export const create = defineChange<CreateOperation>({
  name: 'create',
  summary: 'create a Mattermost installation on an external database and filestore',
  usage: 'create <name> --version V --db-secret S (--filestore-secret S --bucket B --s3-url U | --filestore-pvc P) [options]',
  examples: [
    'create chat --version 9.9.0 --size 1000users --host chat.example.com --db-secret chat-db --filestore-secret chat-s3 --bucket chat-files --s3-url s3.amazonaws.com',
  ],
  risk: 'change',
  positionals: [{ name: 'name', description: 'name of the new installation', required: true }],
  flags: [
    { name: 'version', kind: 'string', placeholder: 'version', description: 'Mattermost version, like 11.1.0' },
    { name: 'size', kind: 'string', placeholder: 'preset', description: `size preset: ${sizes.join(', ')}` },
    { name: 'replicas', kind: 'string', placeholder: 'n', description: 'number of pods (default 2)' },
    { name: 'host', kind: 'string', placeholder: 'dns-name', description: 'ingress host' },
    { name: 'no-ingress', kind: 'boolean', description: 'no ingress (the default without --host)' },
    { name: 'db-secret', kind: 'string', placeholder: 'secret', description: 'secret with DB_CONNECTION_STRING' },
    { name: 'filestore-secret', kind: 'string', placeholder: 'secret', description: 'secret with accesskey and secretkey' },
    { name: 'bucket', kind: 'string', placeholder: 'bucket', description: 'S3 bucket' },
    { name: 's3-url', kind: 'string', placeholder: 'host', description: 'S3 endpoint host' },
    { name: 'filestore-pvc', kind: 'string', placeholder: 'claim', description: 'a PersistentVolumeClaim instead of S3' },
  ],
  schema: CreateSchema,
  async plan(ctx, op): Promise<ChangeDraft> {
    const namespace = ctx.scope.namespace ?? ctx.scope.defaultNamespace;
    // Authorised before anything is read: a caller who may not create here learns nothing of the
    // names or Secrets in this namespace (issue 9, item 4). The change pipeline checks limits later.
    const decision = ctx.access.decide('create', namespace, op.name);
    if (!decision.allowed) {
      throw new MatteropsError('forbidden', decision.reason, 'ask an admin to bind you to a role with "create" in the matterops policy', {
        cluster: ctx.scope.cluster,
        namespace,
        name: op.name,
      });
    }
    if (await ctx.gateway.getInstallation(namespace, op.name)) {
      throw new MatteropsError('conflict', `${namespace}/${op.name} already exists`, `choose another name, or type status ${op.name}`);
    }
    if (op.replicas === 0) throw usageError('a new installation needs at least 1 replica');
    await requireKeys(ctx, namespace, op.dbSecret, ['DB_CONNECTION_STRING']);
    if (op.filestoreSecret) await requireKeys(ctx, namespace, op.filestoreSecret, ['accesskey', 'secretkey']);
    return {
      kind: 'change',
      target: { cluster: ctx.scope.cluster, namespace, name: op.name },
      before: undefined,
      steps: writeThenWait({ cluster: ctx.scope.cluster, namespace, name: op.name }, { kind: 'create', body: body(op, namespace) }, undefined, 'stable'),
      risk: 'change',
      summary: `create ${namespace}/${op.name} (${op.version}, ${op.size ?? `${op.replicas ?? 2} replicas`})`,
      notes: op.host ? [] : ['No ingress: reach it through the Service, or add --host.'],
      ...(op.replicas !== undefined ? { limits: { replicas: op.replicas, version: op.version } } : { limits: { version: op.version } }),
    };
  },
});
