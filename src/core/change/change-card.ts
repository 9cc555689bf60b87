/**
 * A change as a card (card.ts, issue 15): what is being changed, by whom, its steps as the progress
 * post has reported them, and once it has ended, its outcome. The steps are the progress lines the
 * change reported (each earlier one done, the latest running until the outcome settles it), so the
 * card says exactly what the plain progress post said, step by step. The outcome reply knows no
 * progress (it is made after it): the chat adapter, which saw each line, adds them (withProgress).
 */
import type { Card, ChangeCard } from '../card.ts';
import type { Tone } from '../reply.ts';

export interface ChangeHeader {
  tone: Tone;
  /** `chat/mattermost`; empty while only the command is known (the progress before the outcome). */
  installation: string;
  /** `scale chat/mattermost: replicas 2 -> 3`, masked as every echo of a command is. */
  title: string;
  requester: string;
}

/** The steps of progress `lines`: done but the latest, which is running, or settled by the outcome. */
export function progressSteps(lines: readonly string[], ended?: { ok: boolean }): ChangeCard['steps'] {
  return lines.map((label, index) => {
    const last = index === lines.length - 1;
    const state = !last ? 'done' : !ended ? 'running' : ended.ok ? 'done' : 'failed';
    return { label, state };
  });
}

/** A change still under way: its progress so far. */
export const progressCard = (header: ChangeHeader, lines: readonly string[]): ChangeCard => ({
  kind: 'change',
  ...header,
  steps: progressSteps(lines),
});

/** A change that has ended, before the adapter adds the progress it saw. */
export const outcomeCard = (header: ChangeHeader, outcome: { ok: boolean; text: string }): ChangeCard => ({
  kind: 'change',
  ...header,
  steps: [],
  outcome,
});

/** The outcome card with the progress lines its post showed before (a card of another kind is left as it is). */
export function withProgress(card: Card, lines: readonly string[]): Card {
  if (card.kind !== 'change' || !lines.length) return card;
  return { ...card, steps: [...progressSteps(lines, card.outcome ?? { ok: true }), ...card.steps] };
}
