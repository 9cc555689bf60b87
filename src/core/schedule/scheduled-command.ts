/**
 * A drill schedule's run is a command typed as its owner (issue 11): `backup <name> --drill
 * --yes`, through the normal pipeline (policy checked at each run, previewed, locked, audited,
 * followed), and what the schedule's root post then says of its outcome.
 */
import type { Schedule } from '../model/schedule.ts';
import type { Reply } from '../reply.ts';

/** The command a drill schedule's run types, or undefined for a schedule that runs none (digests). */
export function scheduledCommand(s: Pick<Schedule, 'id' | 'kind' | 'scope' | 'cluster'>): string | undefined {
  if (s.kind !== 'drill' || 'all' in s.scope) return undefined;
  return `backup ${s.scope.name} -n ${s.scope.namespace} --cluster ${s.cluster} --drill --yes --note "schedule ${s.id}"`;
}

export interface CommandOutcome {
  /** How the run ended, as the schedule's record keeps it. */
  ok: boolean;
  /** The root post's last words: `done, backup 20261201-231800-a1b2 verified` or `failed: <why>`. */
  headline: string;
  /** The same without its first word, for the run's record beside its outcome (`backup ... verified`, `<why>`). */
  detail: string;
}

const failed = (why: string): CommandOutcome => ({ ok: false, headline: `failed: ${why}`, detail: why });

const backupIdPattern = /\b(\d{8}-\d{6}-[0-9a-f]{4})\b/;

/** The words of a reply: its heading and texts, in order. */
const linesOf = (r: Reply): string[] => r.blocks.flatMap((b) => (b.kind === 'heading' || b.kind === 'text' ? [b.text] : []));

/** What the root post says once the command ended; `undefined`: it never answered (the bot's log says why). */
export function commandOutcome(r: Reply | undefined): CommandOutcome {
  if (!r) return failed("the drill did not answer (the bot's log says why)");
  const lines = linesOf(r);
  if (r.pending) {
    const waiting = 'waiting for a confirmation in the thread (the policy asks for one)';
    return { ok: false, headline: waiting, detail: waiting };
  }
  if (r.error || r.tone !== 'good') {
    // A change's failure heads its reasons with "backup ns/name: failed"; a refusal is its reason.
    const reason =
      lines
        .filter((l) => !/: failed$/.test(l))
        .join(' ')
        .trim() || 'no reason given';
    return failed(reason.length > 300 ? `${reason.slice(0, 299)}…` : reason);
  }
  const id = backupIdPattern.exec(lines[0] ?? '')?.[1];
  return id ? { ok: true, headline: `done, backup ${id} verified`, detail: `backup ${id} verified` } : { ok: true, headline: 'done', detail: '' };
}
