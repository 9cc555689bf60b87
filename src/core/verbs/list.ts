/** `list [-n ns | -A]`: every installation with state, version, ready/desired, age and endpoint. */
import { z } from 'zod';
import { MatteropsError } from '../errors.ts';
import { PlaceFlagsSchema } from '../grammar/common-schemas.ts';
import { toneOfState } from '../model/verdict.ts';
import type { Installation } from '../model/installation.ts';
import { reply, table, text, type Tone } from '../reply.ts';
import { ageSince } from '../text/duration.ts';
import { defineVerb } from '../verb.ts';

export const ListSchema = PlaceFlagsSchema.extend({
  verb: z.literal('list'),
  allNamespaces: z.boolean().optional(),
});
export type ListOperation = z.infer<typeof ListSchema>;

function worstTone(installations: Installation[]): Tone {
  const tones = installations.map((i) => toneOfState(i.status.state));
  if (tones.includes('warning')) return 'warning';
  return tones.every((t) => t === 'good') ? 'good' : 'neutral';
}

export const list = defineVerb<ListOperation>({
  name: 'list',
  aliases: ['ls', 'get'],
  summary: 'installations with state, version, ready/desired replicas, age and endpoint',
  usage: 'list [-n namespace | -A]',
  examples: ['list', 'list -A', 'list -n staging'],
  risk: 'read',
  positionals: [],
  flags: [{ name: 'all-namespaces', short: 'A', kind: 'boolean', description: 'every namespace' }],
  schema: ListSchema,
  async run(ctx, op) {
    const namespace = op.allNamespaces ? undefined : (ctx.scope.namespace ?? ctx.scope.defaultNamespace);
    const where = namespace ? `namespace ${namespace}` : 'any namespace';
    // A namespace the caller may not list is refused before it is read, so the answer says nothing about it.
    const refused = namespace === undefined ? undefined : ctx.access.decide('list', namespace);
    if (refused && !refused.allowed) throw new MatteropsError('forbidden', refused.reason, 'type list -A to see the installations you may list');
    // Only what the policy lets the caller list: namespaces and installations outside it are not shown.
    const found = (await ctx.gateway.listInstallations(namespace)).filter((i) => ctx.access.decide('list', i.namespace, i.name).allowed);
    if (!found.length) {
      return reply(
        'neutral',
        text(`No Mattermost installations in ${where} of cluster ${ctx.scope.cluster}.`),
        text(namespace ? 'type list -A to look in every namespace' : 'create one with the Mattermost operator'),
      );
    }
    const now = ctx.clock.now();
    const rows = found
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
      .map((i) => [
        i.namespace,
        i.name,
        i.status.state ?? '-',
        i.status.version ?? i.spec.version ?? '-',
        `${i.status.updatedReplicas ?? 0}/${i.spec.replicas ?? '-'}`,
        ageSince(i.createdAt, now),
        i.status.endpoint ?? '-',
      ]);
    return reply(worstTone(found), table(['namespace', 'name', 'state', 'version', 'ready', 'age', 'endpoint'], rows));
  },
});
