/**
 * The plugin's own check of `props.matterops` (src/core/card.ts): a post whose props do not match
 * renders as its plain text, so a bot of another version, or a hand-made post, never breaks the
 * channel. Unknown fields are dropped (an added optional field needs no new version); a `v` other
 * than `cardVersion` is refused. The type test in test/unit/webapp/card-schema.test.ts keeps this
 * schema and card.ts equal.
 */
// A namespace import lets esbuild drop what the schema does not use: `import { z }` pulls in every
// locale (a 436 KiB bundle instead of 40; test/unit/webapp/bundle.test.ts holds it under 64).
import * as z from 'zod/mini';
import { type Card, type CardKind, type CardProps, cardVersion } from '../../src/core/card.ts';

const text = z.string();
const tone = z.enum(['good', 'warning', 'danger', 'info', 'neutral']);
const health = z.enum(['GREEN', 'WATCH', 'RED']);
const count = z.number().check(z.int(), z.nonnegative());
/** An ISO time the card counts from: one `Date` can read, so "since" never shows NaN. */
const isoTime = z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'not a time'));

const pod = z.object({ name: text, phase: text, ready: z.boolean(), restarts: count, age: text, node: text, lastTermination: text });
const warning = z.object({ age: text, object: text, reason: text, message: text });

const status = z.object({
  kind: z.literal('status'),
  tone,
  installation: text,
  state: text,
  verdict: text,
  version: text,
  replicas: z.object({ desired: count, ready: count, updated: count }),
  pods: z.array(pod),
  warnings: z.array(warning),
  lastBackup: z.optional(text),
  endpoint: text,
});

const change = z.object({
  kind: z.literal('change'),
  tone,
  installation: text,
  title: text,
  requester: text,
  steps: z.array(z.object({ label: text, state: z.enum(['pending', 'running', 'done', 'failed']), detail: z.optional(text) })),
  outcome: z.optional(z.object({ ok: z.boolean(), text })),
});

const logTail = z.union([
  z.object({ pod: text, container: text, lines: z.array(text), cut: z.optional(z.boolean()) }),
  z.object({ pod: text, container: text, unavailable: text }),
]);

const incident = z.object({
  kind: z.literal('incident'),
  tone,
  severity: z.enum(['critical', 'warning']),
  installation: z.optional(text),
  headline: text,
  since: isoTime,
  resolvedAt: z.optional(isoTime),
  evidence: z.array(z.object({ label: text, value: text })),
  timeline: z.array(z.object({ at: isoTime, text })),
  change: z.optional(text),
  logTail: z.optional(logTail),
});

const digest = z.object({
  kind: z.literal('digest'),
  tone,
  header: health,
  title: text,
  counts: text,
  note: z.optional(text),
  rows: z.array(z.object({ installation: text, health, verdict: text, version: text, ready: text, incidents: z.array(text) })),
});

export const CardPropsSchema = z.object({
  v: z.literal(cardVersion),
  card: z.discriminatedUnion('kind', [status, change, incident, digest]),
});

/** The card of a post of type `custom_matterops_<kind>`, or undefined when its props do not hold one of that kind. */
export function parseCard(props: unknown, kind: CardKind): Card | undefined {
  const matterops = typeof props === 'object' && props !== null ? (props as Record<string, unknown>).matterops : undefined;
  const result = CardPropsSchema.safeParse(matterops);
  if (!result.success || result.data.card.kind !== kind) return undefined;
  return (result.data satisfies CardProps).card;
}
