/**
 * A verb is a declarative spec (../shared/style.md: hubot CommandBus): its grammar, its help and its
 * risk live in one file with its handler, so help, completion, autocomplete and `can-i` are generated
 * from the registry and never written twice.
 */
import type { z } from 'zod';
import type { Reply } from './reply.ts';
import type { VerbContext } from './verb-context.ts';

export type Risk = 'read' | 'change' | 'danger';

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

export interface OperationBase { verb: string }

export interface VerbSpec<Op extends OperationBase> {
  name: Op['verb'];
  aliases?: string[];
  summary: string;
  usage: string;
  examples: string[];
  risk: Risk;
  positionals: PositionalSpec[];
  flags: FlagSpec[];
  schema: z.ZodType<Op>;
  run(ctx: VerbContext, op: Op): Promise<Reply>;
}

/** A verb with its operation type erased, as the registry holds it. */
export interface Verb extends Omit<VerbSpec<OperationBase>, 'run' | 'schema'> {
  schema: z.ZodType<OperationBase>;
  run(ctx: VerbContext, op: OperationBase): Promise<Reply>;
}

/**
 * Erases the operation type (method parameters are bivariant, so no cast is needed). Sound because
 * the parser only hands `run` what `schema` accepted.
 */
export function defineVerb<Op extends OperationBase>(spec: VerbSpec<Op>): Verb {
  return spec;
}
