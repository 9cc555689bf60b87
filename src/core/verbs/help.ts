/** `help [verb]`: the list of verbs, or one verb's usage, flags and examples, from the registry. */
import { z } from 'zod';
import { usageError } from '../errors.ts';
import { changeFlags } from '../grammar/change-flags.ts';
import { globalFlags } from '../grammar/global-flags.ts';
import { PlaceFlagsSchema, VerbWordSchema } from '../grammar/common-schemas.ts';
import { code, fields, heading, reply, table, text, type Reply } from '../reply.ts';
import type { Registry } from '../registry.ts';
import { suggest } from '../text/did-you-mean.ts';
import { defineVerb, type FlagSpec, type Verb } from '../verb.ts';

export const HelpSchema = PlaceFlagsSchema.extend({
  verb: z.literal('help'),
  topic: VerbWordSchema('help takes a command, like help scale').optional(),
});
export type HelpOperation = z.infer<typeof HelpSchema>;

const flagLine = (f: FlagSpec): string => `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.kind === 'string' ? ` <${f.placeholder ?? 'value'}>` : ''}`;

export function verbHelp(verb: Verb): Reply {
  return reply(
    'info',
    heading(`${verb.name}: ${verb.summary}`),
    code(verb.usage),
    fields([{ label: 'risk', value: verb.risk }, ...(verb.aliases?.length ? [{ label: 'aliases', value: verb.aliases.join(', ') }] : [])]),
    ...(verb.flags.length || verb.kind === 'change'
      ? [
          table(
            ['flag', 'meaning'],
            [...verb.flags, ...globalFlags, ...(verb.kind === 'change' ? changeFlags : [])].map((f) => [flagLine(f), f.description]),
          ),
        ]
      : []),
    text(`examples:\n${verb.examples.map((e) => `  ${e}`).join('\n')}`),
  );
}

/** Only the verbs the caller may use somewhere: help lists what you can do. */
export function overview(registry: Registry, mayUse: (verb: string) => boolean): Reply {
  const rows = registry.verbs.filter((v) => mayUse(v.name)).map((v) => [v.usage, v.summary]);
  return reply(
    'info',
    heading('matterops: run Mattermost on Kubernetes from here'),
    table(['command', 'what it does'], rows),
    text(`global flags: ${globalFlags.map(flagLine).join(', ')}\ntype help <command> for details and examples`),
  );
}

export const help = defineVerb<HelpOperation>({
  name: 'help',
  aliases: ['?'],
  summary: 'what you can do here',
  usage: 'help [command]',
  examples: ['help', 'help status'],
  risk: 'read',
  positionals: [{ name: 'topic', description: 'a command to explain', required: false, complete: 'verb' }],
  flags: [],
  schema: HelpSchema,
  run(ctx, op) {
    if (!op.topic) return Promise.resolve(overview(ctx.registry, (v) => ctx.access.mayUse(v)));
    const verb = ctx.registry.find(op.topic.toLowerCase());
    if (!verb) {
      const close = suggest(
        op.topic,
        ctx.registry.verbs.map((v) => v.name),
      );
      return Promise.reject(usageError(`there is no command "${op.topic}"`, close.length ? `did you mean help ${close[0]}?` : 'type help for the list'));
    }
    return Promise.resolve(verbHelp(verb));
  },
});
