/**
 * A verb is a declarative spec (in the manner of hubot's CommandBus): its grammar, its help and its
 * risk live in one file with its handler, so help, completion, autocomplete and `can-i` are generated
 * from the registry and never written twice. Read verbs answer; change verbs only plan, and the
 * change pipeline (core/change/) authorises, previews, confirms, locks, applies, follows and audits.
 */
import type { z } from 'zod';
import type { Draft } from './model/draft.ts';
import type { Risk } from './model/risk.ts';
import type { Reply } from './reply.ts';
import type { VerbContext } from './verb-context.ts';

export interface PositionalSpec {
  name: string;
  description: string;
  required: boolean;
  /** Takes every remaining positional word (e.g. `env set A=1 B=2`). */
  variadic?: boolean;
  /** What completion offers for it. */
  complete?: 'installation' | 'verb' | readonly string[];
}

export interface FlagSpec {
  name: string;
  short?: string;
  kind: 'string' | 'boolean';
  description: string;
  placeholder?: string;
}

export interface OperationBase {
  verb: string;
}

interface VerbSpecBase<Op extends OperationBase> {
  name: Op['verb'];
  aliases?: string[];
  summary: string;
  usage: string;
  examples: string[];
  /** The usual risk; a change verb's plan may raise it (scale to 0 is danger). */
  risk: Risk;
  positionals: PositionalSpec[];
  flags: FlagSpec[];
  schema: z.ZodType<Op>;
}

export interface ReadVerbSpec<Op extends OperationBase> extends VerbSpecBase<Op> {
  run(ctx: VerbContext, op: Op): Promise<Reply>;
}

export interface ChangeVerbSpec<Op extends OperationBase> extends VerbSpecBase<Op> {
  plan(ctx: VerbContext, op: Op): Promise<Draft>;
}

type Erased<T> = Omit<T, 'schema' | 'run' | 'plan'> & { schema: z.ZodType<OperationBase> };
export type ReadVerb = Erased<ReadVerbSpec<OperationBase>> & { kind: 'read'; run(ctx: VerbContext, op: OperationBase): Promise<Reply> };
export type ChangeVerb = Erased<ChangeVerbSpec<OperationBase>> & { kind: 'change'; plan(ctx: VerbContext, op: OperationBase): Promise<Draft> };
export type Verb = ReadVerb | ChangeVerb;

/**
 * Erases the operation type. Sound because the parser only hands `run` and `plan` what `schema`
 * accepted (method parameters are bivariant, so no cast is needed).
 */
export function defineVerb<Op extends OperationBase>(spec: ReadVerbSpec<Op>): ReadVerb {
  return { ...spec, kind: 'read' };
}

export function defineChange<Op extends OperationBase>(spec: ChangeVerbSpec<Op>): ChangeVerb {
  return { ...spec, kind: 'change' };
}
