/** `confirm <code> [name]` and `cancel <code>`: the typed fallback for the Confirm and Cancel buttons. */
import { z } from 'zod';
import { quoted } from '../text/excerpt.ts';
import { PlaceFlagsSchema } from '../grammar/common-schemas.ts';
import { defineVerb } from '../verb.ts';

const Code = z
  .string({ error: 'give the code from the plan, like 7f3a9c1e' })
  .regex(/^[0-9a-f]{8}(\.\d+\.[A-Za-z0-9_-]+)?$/, { error: (i) => `a confirmation code is 8 hex characters from the plan, got ${quoted(i.input)}` });

export const ConfirmSchema = PlaceFlagsSchema.extend({
  verb: z.literal('confirm'),
  code: Code,
  word: z.string().max(63, { error: 'the word to type is the installation name, at most 63 characters' }).optional(),
});
export type ConfirmOperation = z.infer<typeof ConfirmSchema>;
export const CancelSchema = PlaceFlagsSchema.extend({ verb: z.literal('cancel'), code: Code });
export type CancelOperation = z.infer<typeof CancelSchema>;

export const confirm = defineVerb<ConfirmOperation>({
  name: 'confirm',
  summary: 'apply a planned change that waits for your confirmation',
  usage: 'confirm <code> [name]',
  examples: ['confirm 7f3a9c1e', 'confirm 7f3a9c1e mattermost-staging'],
  risk: 'read',
  positionals: [
    { name: 'code', description: 'the code shown with the plan', required: true },
    { name: 'word', description: 'the installation name, when the plan asks for it', required: false },
  ],
  flags: [],
  schema: ConfirmSchema,
  run: (ctx, op) => ctx.confirmations.confirm({ codeOrToken: op.code, typedWord: op.word, within: { cluster: op.cluster, namespace: op.namespace } }),
});

export const cancel = defineVerb<CancelOperation>({
  name: 'cancel',
  summary: 'drop a planned change that waits for confirmation',
  usage: 'cancel <code>',
  examples: ['cancel 7f3a9c1e'],
  risk: 'read',
  positionals: [{ name: 'code', description: 'the code shown with the plan', required: true }],
  flags: [],
  schema: CancelSchema,
  run: (ctx, op) => ctx.confirmations.cancel(op.code),
});
