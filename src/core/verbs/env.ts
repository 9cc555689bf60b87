/**
 * `env <name> list | set KEY=VALUE... | unset KEY...`: edits `spec.mattermostEnv`. Values of keys
 * that look secret and entries taken from secrets are never shown, in the list, the plan or audit.
 */
import { envName } from '../model/patterns.ts';
import { z } from 'zod';
import { excerpt, quoted } from '../text/excerpt.ts';
import { secretMask } from '../text/redact.ts';
import { ChangeVerbFlagsSchema } from '../grammar/change-flags.ts';
import { InstallationNameSchema } from '../grammar/common-schemas.ts';
import { usageError } from '../errors.ts';
import type { ChangeDraft, Draft } from '../model/draft.ts';
import { envValueShown } from '../change/diff.ts';
import { envVarSpec, type EnvVar, type Installation } from '../model/installation.ts';
import type { InstallationRef } from '../model/installation-ref.ts';
import { reply, table, text } from '../reply.ts';
import { resolveInstallation, targetOf } from '../resolve-installation.ts';
import { defineChange } from '../verb.ts';
import { writeThenWait } from '../change/installation-steps.ts';

export const EnvSchema = ChangeVerbFlagsSchema.extend({
  verb: z.literal('env'),
  name: InstallationNameSchema,
  action: z.enum(['list', 'set', 'unset'], { error: (i) => `env needs list, set or unset after the name, got ${quoted(i.input)}` }),
  args: z.array(z.string()).default([]),
}).superRefine((op, ctx) => {
  for (const message of envProblems(op.action, op.name, op.args)) ctx.addIssue({ code: 'custom', message });
});

function argProblem(action: string, arg: string): string | undefined {
  if (action === 'set' && !arg.includes('=')) return `env set takes KEY=VALUE, got ${quoted(arg)}`;
  const key = action === 'set' ? (arg.split('=')[0] ?? '') : arg;
  if (!envName.test(key)) return `env names are letters, digits and _, not starting with a digit, got ${quoted(key)}`;
  // A line recalled from the prompt's history (or copied from a post) holds the mask, not the value.
  if (action === 'set' && arg.slice(key.length + 1) === secretMask)
    return `${excerpt(key)}=${secretMask}: ${secretMask} is how matterops hides a value; type the real value`;
  return undefined;
}

function envProblems(action: string, name: string, args: string[]): string[] {
  if (action === 'list') return args.length ? [`env list takes nothing more, got ${quoted(args.join(' '))}`] : [];
  const example = action === 'set' ? 'MM_LOGSETTINGS_CONSOLELEVEL=DEBUG' : 'MM_LOGSETTINGS_CONSOLELEVEL';
  if (!args.length) return [`env ${action} needs ${action === 'set' ? 'KEY=VALUE' : 'KEY'}, e.g. env ${name} ${action} ${example}`];
  return args.map((a) => argProblem(action, a)).filter((p): p is string => p !== undefined);
}
export type EnvOperation = z.infer<typeof EnvSchema>;

function listReply(i: Installation, target: InstallationRef): Draft {
  const rows = i.spec.env.map((e) => [e.name, envValueShown(e)]);
  return {
    kind: 'no-change',
    authorizeAs: 'status',
    target,
    reply: rows.length
      ? reply('info', text(`Environment of ${i.namespace}/${i.name} (spec.mattermostEnv):`), table(['name', 'value'], rows))
      : reply('neutral', text(`${i.namespace}/${i.name} sets no extra environment variables.`)),
  };
}

function nextEnv(i: Installation, op: EnvOperation): EnvVar[] {
  if (op.action === 'unset') {
    const missing = op.args.filter((k) => !i.spec.env.some((e) => e.name === k));
    if (missing.length)
      throw usageError(
        `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set on ${i.namespace}/${i.name}`,
        `set there: ${i.spec.env.map((e) => e.name).join(', ') || 'nothing'}`,
      );
    return i.spec.env.filter((e) => !op.args.includes(e.name));
  }
  const updates = new Map(
    op.args.map((a) => {
      const [k = '', ...v] = a.split('=');
      return [k, v.join('=')];
    }),
  );
  const kept = i.spec.env.map((e) => (updates.has(e.name) ? { name: e.name, value: updates.get(e.name), fromRef: false } : e));
  const added = [...updates].filter(([k]) => !i.spec.env.some((e) => e.name === k)).map(([name, value]) => ({ name, value, fromRef: false }));
  return [...kept, ...added];
}

export const env = defineChange<EnvOperation>({
  name: 'env',
  summary: 'list, set or unset extra environment variables of the Mattermost pods',
  usage: 'env <name> list | set KEY=VALUE... | unset KEY...',
  examples: ['env mattermost list', 'env mattermost set MM_LOGSETTINGS_CONSOLELEVEL=DEBUG', 'env mattermost unset MM_LOGSETTINGS_CONSOLELEVEL'],
  risk: 'change',
  positionals: [
    { name: 'name', description: 'installation', required: true, complete: 'installation' },
    { name: 'action', description: 'list, set or unset', required: true, complete: ['list', 'set', 'unset'] },
    { name: 'args', description: 'KEY=VALUE or KEY', required: false, variadic: true },
  ],
  flags: [],
  schema: EnvSchema,
  async plan(ctx, op): Promise<Draft> {
    const before = await resolveInstallation(ctx, op.name);
    if (op.action === 'list') return listReply(before, targetOf(ctx, before));
    const next = nextEnv(before, op);
    const draft: ChangeDraft = {
      kind: 'change',
      target: targetOf(ctx, before),
      before,
      // A merge patch replaces the whole list, so the patch carries every entry, kept ones included.
      steps: writeThenWait(targetOf(ctx, before), { kind: 'patch', patch: { spec: { mattermostEnv: next.map(envVarSpec) } } }, before, 'stable'),
      risk: 'change',
      summary: `env ${op.action} ${before.namespace}/${before.name}: ${op.args.map((a) => a.split('=')[0]).join(', ')}`,
      notes: ['Changing the environment restarts every pod, one at a time.'],
    };
    return draft;
  },
});
