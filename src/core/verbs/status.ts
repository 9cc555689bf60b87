/**
 * `status <name>`: spec against status, pods, recent warnings, database and filestore kind (never a
 * secret's value), endpoint, and a one-line verdict.
 */
import { z } from 'zod';
import { InstallationNameSchema, PlaceFlagsSchema } from '../grammar/common-schemas.ts';
import type { Installation } from '../model/installation.ts';
import { verdictOf } from '../model/verdict.ts';
import { recentWarningsMs, type EventInfo, type PodInfo } from '../model/workload.ts';
import { backupIdTime } from '../model/backup.ts';
import type { VerbContext } from '../verb-context.ts';
import { fields, heading, reply, table, text, type Block, type Field, type Reply } from '../reply.ts';
import { resolveInstallation } from '../resolve-installation.ts';
import { ageSince, formatAge } from '../text/duration.ts';
import { defineVerb } from '../verb.ts';
import { statusCard } from './status-card.ts';

export const StatusSchema = PlaceFlagsSchema.extend({ verb: z.literal('status'), name: InstallationNameSchema });
export type StatusOperation = z.infer<typeof StatusSchema>;

const wantedVsRunning = (wanted: string | undefined, running: string | undefined): string =>
  wanted === running || running === undefined ? (wanted ?? '-') : `${running} -> ${wanted} (wanted)`;

function specFields(i: Installation, pods: PodInfo[]): Field[] {
  const ready = pods.filter((p) => p.ready && !p.terminating).length;
  return [
    { label: 'state', value: i.status.state ?? 'not reconciled yet' },
    { label: 'version', value: wantedVsRunning(i.spec.version, i.status.version) },
    { label: 'image', value: wantedVsRunning(i.spec.image, i.status.image) },
    { label: 'replicas', value: `${i.spec.replicas ?? '-'} desired, ${ready} ready, ${i.status.updatedReplicas ?? 0} updated` },
    { label: 'generation', value: `${i.status.observedGeneration ?? 0} observed of ${i.generation}` },
    { label: 'endpoint', value: i.status.endpoint ?? i.spec.ingressHost ?? '-' },
    { label: 'database', value: i.spec.database },
    { label: 'filestore', value: i.spec.fileStore },
    ...(i.status.error ? [{ label: 'error', value: i.status.error }] : []),
  ];
}

const byName = (pods: PodInfo[]): PodInfo[] => [...pods].sort((a, b) => a.name.localeCompare(b.name));

function podTable(pods: PodInfo[], now: Date): Block {
  if (!pods.length) return text('No pods.');
  const rows = pods.map((p) => [
    p.name,
    p.terminating ? 'Terminating' : (p.waitingReason ?? p.phase),
    p.ready ? 'yes' : 'no',
    String(p.restarts),
    ageSince(p.createdAt, now),
    p.node ?? '-',
    p.lastTerminationReason ?? '-',
  ]);
  return table(['pod', 'phase', 'ready', 'restarts', 'age', 'node', 'last termination'], rows);
}

const newestWarnings = (warnings: EventInfo[]): EventInfo[] => warnings.sort((a, b) => (b.lastSeen?.getTime() ?? 0) - (a.lastSeen?.getTime() ?? 0)).slice(0, 5);

function warningBlocks(newest: EventInfo[], now: Date): Block[] {
  if (!newest.length) return [text('No recent warnings.')];
  return [
    heading('Recent warnings'),
    table(
      ['age', 'object', 'reason', 'message'],
      newest.map((e) => [ageSince(e.lastSeen, now), `${e.objectKind}/${e.objectName}`, e.reason, e.message]),
    ),
  ];
}

/** The age of the last complete backup, when backups are on (a store that does not answer is said so, not hidden). */
function backupField(ctx: Pick<VerbContext, 'backups'>, newest: { id: string | undefined } | undefined, now: Date): Field[] {
  if (!ctx.backups.enabled) return [];
  if (!newest) return [{ label: 'last backup', value: 'the backup store did not answer' }];
  return [{ label: 'last backup', value: newest.id ? `${formatAge(Math.max(0, now.getTime() - backupIdTime(newest.id).getTime()))} ago` : 'none' }];
}

/**
 * The status of an installation already found: the verb's answer, and what an Alertmanager
 * thread adds about the installation its alerts name (docs/incidents.md).
 */
export async function statusReply(ctx: Pick<VerbContext, 'gateway' | 'backups' | 'clock'>, installation: Installation): Promise<Reply> {
  const { namespace, name } = installation;
  const now = ctx.clock.now();
  const [pods, warnings, jobs, newest] = await Promise.all([
    ctx.gateway.listPods(namespace, name),
    ctx.gateway.listWarnings(namespace, name, new Date(now.getTime() - recentWarningsMs)),
    ctx.gateway.listJobs(namespace),
    ctx.backups.enabled
      ? ctx.backups.store.newestComplete(installation).then(
          (id) => ({ id }),
          () => undefined,
        )
      : Promise.resolve(undefined),
  ]);
  const verdict = verdictOf(installation, pods, jobs);
  const backup = backupField(ctx, newest, now);
  const sorted = byName(pods);
  const shown = newestWarnings(warnings);
  return {
    ...reply(
      verdict.tone,
      heading(`${namespace}/${name}: ${verdict.text}`),
      fields([...specFields(installation, pods), ...backup]),
      podTable(sorted, now),
      ...warningBlocks(shown, now),
    ),
    card: statusCard({
      installation,
      verdict,
      version: wantedVsRunning(installation.spec.version, installation.status.version),
      pods: sorted,
      warnings: shown,
      lastBackup: backup[0]?.value,
      now,
    }),
  };
}

export const status = defineVerb<StatusOperation>({
  name: 'status',
  aliases: ['st', 'describe'],
  summary: 'spec vs status, pods, restarts, warnings and a verdict for one installation',
  usage: 'status <name> [-n namespace]',
  examples: ['status mattermost', 'status mattermost-staging -n staging'],
  risk: 'read',
  positionals: [{ name: 'name', description: 'installation', required: true, complete: 'installation' }],
  flags: [],
  schema: StatusSchema,
  async run(ctx, op) {
    return statusReply(ctx, await resolveInstallation(ctx, op.name));
  },
});
