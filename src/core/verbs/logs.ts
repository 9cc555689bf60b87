/**
 * `logs <name> [--pod p] [--tail N] [--since 10m] [--previous]`: pod logs through the API, cut to
 * what a chat post can hold (the end is kept: the newest lines matter most), then redacted.
 */
import { z } from 'zod';
import { notFound } from '../errors.ts';
import { DurationTextSchema, InstallationNameSchema, NameSchema, PlaceFlagsSchema, WholeNumberSchema } from '../grammar/common-schemas.ts';
import type { PodInfo } from '../model/workload.ts';
import { code, reply, text } from '../reply.ts';
import { resolveInstallation } from '../resolve-installation.ts';
import { parseDuration } from '../text/duration.ts';
import { redactedTail } from '../text/log-tail.ts';
import { defineVerb } from '../verb.ts';

const maxTail = 5_000;
export const LogsSchema = PlaceFlagsSchema.extend({
  verb: z.literal('logs'),
  name: InstallationNameSchema,
  pod: NameSchema('the pod name').optional(),
  // Text from the command line, or a number when an operation is parsed again (round trip).
  tail: WholeNumberSchema('--tail', { min: 1, max: maxTail, example: '100' }).optional(),
  since: DurationTextSchema.optional(),
  previous: z.boolean().optional(),
});
export type LogsOperation = z.infer<typeof LogsSchema>;

function choosePod(pods: PodInfo[], wanted: string | undefined, where: string): PodInfo {
  const sorted = [...pods].sort((a, b) => Number(b.ready) - Number(a.ready) || a.name.localeCompare(b.name));
  const pod = wanted ? sorted.find((p) => p.name === wanted) : sorted[0];
  if (pod) return pod;
  if (!sorted.length) throw notFound(`${where} has no pods`, 'type status to see why');
  throw notFound(`no pod "${wanted ?? ''}" in ${where}`, `its pods: ${sorted.map((p) => p.name).join(', ')}`);
}

export const logs = defineVerb<LogsOperation>({
  name: 'logs',
  aliases: ['log'],
  summary: 'recent log lines of an installation pod',
  usage: 'logs <name> [--pod p] [--tail 100] [--since 10m] [--previous]',
  examples: ['logs mattermost', 'logs mattermost --tail 50 --since 10m', 'logs mattermost --pod mattermost-7d9f-abc12 --previous'],
  risk: 'read',
  positionals: [{ name: 'name', description: 'installation', required: true, complete: 'installation' }],
  flags: [
    { name: 'pod', kind: 'string', placeholder: 'pod', description: 'which pod (default: the first ready one)' },
    { name: 'tail', kind: 'string', placeholder: 'lines', description: 'how many lines (default 100)' },
    { name: 'since', kind: 'string', placeholder: 'duration', description: 'only lines newer than this' },
    { name: 'previous', kind: 'boolean', description: 'the previous container (after a restart)' },
  ],
  schema: LogsSchema,
  async run(ctx, op) {
    const installation = await resolveInstallation(ctx, op.name);
    const where = `${installation.namespace}/${installation.name}`;
    const pods = await ctx.gateway.listPods(installation.namespace, installation.name);
    const pod = choosePod(pods, op.pod, where);
    const raw = await ctx.gateway.readLog(installation.namespace, {
      pod: pod.name,
      tailLines: Math.min(op.tail ?? 100, ctx.logLimits.maxLogLines),
      previous: op.previous ?? false,
      ...(op.since ? { sinceSeconds: Math.ceil(parseDuration(op.since, '--since') / 1000) } : {}),
    });
    const { text: body, cutLines } = redactedTail(raw, ctx.logLimits.maxLogChars);
    const others = pods.filter((p) => p.name !== pod.name).map((p) => p.name);
    return reply(
      'info',
      text(`Logs of ${pod.name}${op.previous ? ' (previous container)' : ''}${cutLines ? `, oldest ${cutLines} lines cut` : ''}:`),
      body.trim() ? code(body.trimEnd()) : text('(no log lines)'),
      ...(others.length && !op.pod ? [text(`other pods: ${others.join(', ')} (--pod <name>)`)] : []),
    );
  },
});
